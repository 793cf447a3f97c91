import CZooKernels

// Elementwise arithmetic with NumPy broadcasting. The gradient of a broadcast operand is summed
// back to its own shape.

public func + (a: Variable, b: Variable) -> Variable {
    Variable(a.value + b.value, inputs: [a, b]) { g, needed in
        [needed[0] ? g.summed(toShape: a.shape) : nil, needed[1] ? g.summed(toShape: b.shape) : nil]
    }
}

public func - (a: Variable, b: Variable) -> Variable {
    Variable(a.value - b.value, inputs: [a, b]) { g, needed in
        [needed[0] ? g.summed(toShape: a.shape) : nil, needed[1] ? (-g).summed(toShape: b.shape) : nil]
    }
}

public func * (a: Variable, b: Variable) -> Variable {
    Variable(a.value * b.value, inputs: [a, b]) { g, needed in
        [needed[0] ? (g * b.value).summed(toShape: a.shape) : nil,
         needed[1] ? (g * a.value).summed(toShape: b.shape) : nil]
    }
}

public func / (a: Variable, b: Variable) -> Variable {
    let quotient = a.value / b.value
    return Variable(quotient, inputs: [a, b]) { g, needed in
        let ga = g / b.value
        return [needed[0] ? ga.summed(toShape: a.shape) : nil,
                needed[1] ? (-(ga * quotient)).summed(toShape: b.shape) : nil]
    }
}

public prefix func - (a: Variable) -> Variable { a * -1 }

/// a·scale + offset with constant scalars.
public func affine(_ a: Variable, scale: Float, offset: Float = 0) -> Variable {
    Variable(a.value.affine(scale: scale, offset: offset), inputs: [a]) { g, _ in [g.affine(scale: scale)] }
}

public func * (a: Variable, s: Float) -> Variable { affine(a, scale: s) }
public func * (s: Float, a: Variable) -> Variable { affine(a, scale: s) }
public func / (a: Variable, s: Float) -> Variable { affine(a, scale: 1 / s) }
public func + (a: Variable, s: Float) -> Variable { affine(a, scale: 1, offset: s) }
public func + (s: Float, a: Variable) -> Variable { affine(a, scale: 1, offset: s) }
public func - (a: Variable, s: Float) -> Variable { affine(a, scale: 1, offset: -s) }
public func - (s: Float, a: Variable) -> Variable { affine(a, scale: -1, offset: s) }
