import CZooKernels

// Elementwise functions. Each backward reads whichever of input or output makes it cheapest.

/// An op y = f(x) whose backward is dx = backward(x, y, dy).
private func elementwise(_ x: Variable,
                         _ forward: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                         backward: @escaping (_ x: Tensor, _ y: Tensor, _ dy: Tensor) -> Tensor) -> Variable {
    let y = x.value.applying(forward)
    return Variable(y, inputs: [x]) { dy, _ in [backward(x.value, y, dy)] }
}

public func relu(_ x: Variable) -> Variable {
    elementwise(x, { zoo_relu($0, $1, $2) }) { _, y, dy in Tensor.combining(y, dy) { zoo_relu_backward($0, $1, $2, $3) } }
}

public func leakyRelu(_ x: Variable, negativeSlope: Float = 0.01) -> Variable {
    elementwise(x, { zoo_leaky_relu($0, $1, $2, negativeSlope) }) { x, _, dy in
        Tensor.combining(x, dy) { zoo_leaky_relu_backward($0, $1, $2, $3, negativeSlope) }
    }
}

public func sigmoid(_ x: Variable) -> Variable {
    elementwise(x, { zoo_sigmoid($0, $1, $2) }) { _, y, dy in Tensor.combining(y, dy) { zoo_sigmoid_backward($0, $1, $2, $3) } }
}

public func tanh(_ x: Variable) -> Variable {
    elementwise(x, { zoo_tanh($0, $1, $2) }) { _, y, dy in Tensor.combining(y, dy) { zoo_tanh_backward($0, $1, $2, $3) } }
}

/// log(1 + eˣ), computed without overflow.
public func softplus(_ x: Variable) -> Variable {
    elementwise(x, { zoo_softplus($0, $1, $2) }) { x, _, dy in Tensor.combining(x, dy) { zoo_softplus_backward($0, $1, $2, $3) } }
}

public func exp(_ x: Variable) -> Variable {
    elementwise(x, { zoo_exp($0, $1, $2) }) { _, y, dy in y * dy }
}

public func log(_ x: Variable) -> Variable {
    elementwise(x, { zoo_log($0, $1, $2) }) { x, _, dy in dy / x }
}
