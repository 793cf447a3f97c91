/// The same elements with another shape.
public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
    precondition(Tensor.elementCount(shape) == x.value.count, "cannot reshape \(x.shape) to \(shape)")
    return Variable(x.value.reshaped(shape), inputs: [x]) { g, _ in [g.reshaped(x.shape)] }
}

extension Tensor {
    /// Columns `range` of the last axis (for example mu and log-variance halves of an encoder output).
    public func slice(lastAxis range: Range<Int>) -> Tensor {
        let width = shape.last ?? 1
        precondition(range.lowerBound >= 0 && range.upperBound <= width, "slice \(range) out of 0..<\(width)")
        let rows = count / max(width, 1)
        var outShape = shape
        outShape[outShape.count - 1] = range.count
        return Tensor(shape: outShape) { out in
            withUnsafeBufferPointer { x in
                for r in 0..<rows {
                    (out + r * range.count).update(from: x.baseAddress! + r * width + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// Tensors joined along the first axis (batches one after another); the other dimensions must agree.
    public static func concatenate(firstAxis parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let trailing = parts[0].shape.dropFirst()
        precondition(parts.allSatisfy { $0.shape.dropFirst() == trailing }, "concatenate: trailing shapes differ: \(parts.map(\.shape))")
        let rows = parts.reduce(0) { $0 + ($1.shape.first ?? 1) }
        return Tensor(shape: [rows] + trailing) { out in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { (out + offset).update(from: $0.baseAddress!, count: $0.count) }
                offset += part.count
            }
        }
    }

    /// Tensors joined along the last axis; all other dimensions must agree.
    public static func concatenate(lastAxis parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let leading = parts[0].shape.dropLast()
        precondition(parts.allSatisfy { $0.shape.dropLast() == leading }, "concatenate: leading shapes differ: \(parts.map(\.shape))")
        let widths = parts.map { $0.shape.last ?? 1 }
        let total = widths.reduce(0, +)
        let rows = leading.reduce(1, *)
        return Tensor(shape: Array(leading) + [total]) { out in
            var column = 0
            for (part, width) in zip(parts, widths) {
                part.withUnsafeBufferPointer { x in
                    for r in 0..<rows {
                        (out + r * total + column).update(from: x.baseAddress! + r * width, count: width)
                    }
                }
                column += width
            }
        }
    }
}

/// Columns `range` of the last axis.
public func slice(_ x: Variable, lastAxis range: Range<Int>) -> Variable {
    Variable(x.value.slice(lastAxis: range), inputs: [x]) { g, _ in
        // The gradient is g placed at the sliced columns, zero elsewhere.
        let width = x.shape.last ?? 1
        var parts: [Tensor] = []
        var leading = x.shape
        if range.lowerBound > 0 { leading[leading.count - 1] = range.lowerBound; parts.append(.zeros(leading)) }
        parts.append(g)
        if range.upperBound < width { leading[leading.count - 1] = width - range.upperBound; parts.append(.zeros(leading)) }
        return [Tensor.concatenate(lastAxis: parts)]
    }
}

/// Variables joined along the last axis.
public func concatenate(lastAxis parts: [Variable]) -> Variable {
    let widths = parts.map { $0.shape.last ?? 1 }
    return Variable(Tensor.concatenate(lastAxis: parts.map(\.value)), inputs: parts) { g, needed in
        var start = 0
        return zip(widths, needed).map { width, isNeeded in
            defer { start += width }
            return isNeeded ? g.slice(lastAxis: start..<(start + width)) : nil
        }
    }
}

extension Tensor {
    /// Tensors joined along `axis`; every other dimension must agree. With axis 1 of NCHW
    /// tensors, their channels one after another (how labels join an image as extra planes).
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let shape = parts[0].shape
        precondition(axis >= 0 && axis < shape.count, "concatenate: axis \(axis) out of range for \(shape)")
        func others(_ s: [Int]) -> [Int] { var s = s; s.remove(at: axis); return s }
        precondition(parts.allSatisfy { $0.rank == shape.count && others($0.shape) == others(shape) },
                     "concatenate along axis \(axis): other dimensions differ: \(parts.map(\.shape))")
        // Each part is `outer` blocks of its own length; the result interleaves them.
        let outer = shape[..<axis].reduce(1, *)
        let blocks = parts.map { $0.count / max(outer, 1) }
        let total = blocks.reduce(0, +)
        var outShape = shape
        outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        return Tensor(shape: outShape) { out in
            var start = 0
            for (part, block) in zip(parts, blocks) {
                part.withUnsafeBufferPointer { x in
                    for o in 0..<outer { (out + o * total + start).update(from: x.baseAddress! + o * block, count: block) }
                }
                start += block
            }
        }
    }

    /// Indices `range` of `axis`, the other dimensions whole.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank, "slice: axis \(axis) out of range for \(shape)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of 0..<\(shape[axis])")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let (from, block) = (shape[axis] * inner, range.count * inner)
        var outShape = shape
        outShape[axis] = range.count
        return Tensor(shape: outShape) { out in
            withUnsafeBufferPointer { x in
                for o in 0..<outer { (out + o * block).update(from: x.baseAddress! + o * from + range.lowerBound * inner, count: block) }
            }
        }
    }
}

/// Variables joined along `axis` (`axis: 1` joins the channels of NCHW images).
public func concatenate(_ parts: [Variable], axis: Int) -> Variable {
    let sizes = parts.map { $0.shape[axis] }
    return Variable(Tensor.concatenate(parts.map(\.value), axis: axis), inputs: parts) { g, needed in
        var start = 0
        return zip(sizes, needed).map { size, isNeeded in
            defer { start += size }
            return isNeeded ? g.slice(axis: axis, start..<(start + size)) : nil
        }
    }
}
