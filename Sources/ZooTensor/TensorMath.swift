import CZooKernels

/// Plain (non-differentiable) tensor arithmetic on the vectorized kernels. The differentiable ops
/// on `Variable` are built from these.
extension Tensor {
    /// Applies an elementwise kernel `f(input, output, count)` into a new tensor of the same shape.
    @inlinable
    public func applying(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        Tensor(shape: shape) { out in
            withUnsafeBufferPointer { kernel($0.baseAddress!, out, count) }
        }
    }

    /// Applies a binary kernel `f(a, b, output, count)` to two tensors of the same shape.
    @inlinable
    public static func combining(_ a: Tensor, _ b: Tensor,
                                 _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        precondition(a.shape == b.shape, "shapes differ: \(a.shape) and \(b.shape)")
        return Tensor(shape: a.shape) { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in kernel(pa.baseAddress!, pb.baseAddress!, out, a.count) }
            }
        }
    }

    /// Elementwise binary op with NumPy broadcasting: inputs of other shapes are expanded first.
    static func broadcasting(_ a: Tensor, _ b: Tensor,
                             _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        if a.shape == b.shape { return combining(a, b, kernel) }
        let shape = Broadcast.shape(a.shape, b.shape)
        return combining(a.expanded(to: shape), b.expanded(to: shape), kernel)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b) { zoo_add($0, $1, $2, $3) } }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b) { zoo_sub($0, $1, $2, $3) } }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b) { zoo_mul($0, $1, $2, $3) } }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b) { zoo_div($0, $1, $2, $3) } }

    /// a·scale + offset, elementwise.
    public func affine(scale: Float, offset: Float = 0) -> Tensor {
        applying { zoo_affine($0, scale, offset, $1, $2) }
    }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, offset: s) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1) }

    /// The sum of all elements (accumulated in fixed order, partly in double precision).
    public func sum() -> Float { Float(withUnsafeBufferPointer { zoo_sum($0.baseAddress!, count) }) }

    /// Sums over `axis`, removing it.
    public func sum(axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape.remove(at: axis)
        return Tensor(shape: outShape) { out in
            withUnsafeBufferPointer { x in
                if inner == 1 {
                    zoo_sum_cols(x.baseAddress!, outer, length, out)
                } else {
                    for o in 0..<outer {
                        zoo_sum_rows(x.baseAddress! + o * length * inner, length, inner, out + o * inner)
                    }
                }
            }
        }
    }

    /// This tensor repeated along broadcast dimensions to `target` (NumPy rules).
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Broadcast.shape(shape, target) == target, "cannot broadcast \(shape) to \(target)")
        let inner = Tensor.elementCount(shape)
        // Fast path: a trailing block (a bias row) repeated over leading dimensions.
        if Array(target.suffix(rank)) == shape {
            return Tensor(shape: target) { out in
                withUnsafeBufferPointer { zoo_broadcast_rows($0.baseAddress!, Tensor.elementCount(target) / max(inner, 1), inner, out) }
            }
        }
        let sourceStrides = Broadcast.strides(of: shape, alignedTo: target)
        return Tensor(shape: target) { out in
            withUnsafeBufferPointer { source in
                var index = 0
                Broadcast.forEachSourceOffset(target, sourceStrides) { offset in
                    out[index] = source[offset]
                    index += 1
                }
            }
        }
    }

    /// Sums a broadcast result back to `target`: the gradient of `expanded(to:)`.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let inner = Tensor.elementCount(target)
        if Array(shape.suffix(target.count)) == target {
            return Tensor(shape: target) { out in
                withUnsafeBufferPointer { zoo_sum_rows($0.baseAddress!, count / max(inner, 1), inner, out) }
            }
        }
        let strides = Broadcast.strides(of: target, alignedTo: shape)
        return Tensor(shape: target) { out in
            out.initialize(repeating: 0, count: inner)
            withUnsafeBufferPointer { source in
                var index = 0
                Broadcast.forEachSourceOffset(shape, strides) { offset in
                    out[offset] += source[index]
                    index += 1
                }
            }
        }
    }
}

/// NumPy broadcasting rules.
enum Broadcast {
    /// The shape two operands broadcast to (dimensions aligned from the right, 1 stretches).
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { x, y in
            precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
            return max(x, y)
        }
    }

    /// Strides of `shape` laid out against `target`, 0 where `shape` is broadcast.
    static func strides(of shape: [Int], alignedTo target: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: target.count - shape.count) + shape
        var strides = Array(repeating: 0, count: target.count)
        var step = 1
        for axis in (0..<target.count).reversed() {
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        return strides
    }

    /// Calls `body` with the source offset of every element of `shape`, in row-major order.
    static func forEachSourceOffset(_ shape: [Int], _ strides: [Int], _ body: (Int) -> Void) {
        let total = Tensor.elementCount(shape)
        guard total > 0 else { return }
        var index = Array(repeating: 0, count: shape.count)
        var offset = 0
        for _ in 0..<total {
            body(offset)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
