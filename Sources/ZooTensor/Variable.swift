/// A node of the autodiff graph: a tensor value, the variables it was computed from, and how to
/// carry a gradient back to them.
///
/// A model writes only its forward pass with these; `gradients(of:withRespectTo:)` walks the
/// recorded graph backwards. The graph lives as long as its last variable does, so it is freed as
/// soon as a training step drops its loss.
public final class Variable {
    /// The value. Parameters are updated in place by optimizers.
    public var value: Tensor
    /// True for parameters and for anything computed from one.
    public let requiresGradient: Bool

    /// Maps the gradient of this variable to gradients of `inputs`; `needed[i]` says whether
    /// input `i`'s gradient is wanted, so work for the others is skipped.
    typealias Pullback = (_ gradient: Tensor, _ needed: [Bool]) -> [Tensor?]
    let inputs: [Variable]
    let pullback: Pullback?

    /// A trainable leaf (a parameter): gradients can be taken with respect to it.
    public init(parameter value: Tensor) {
        self.value = value
        self.requiresGradient = true
        self.inputs = []
        self.pullback = nil
    }

    /// A constant: data, targets, noise. No gradient flows into it.
    public init(_ value: Tensor) {
        self.value = value
        self.requiresGradient = false
        self.inputs = []
        self.pullback = nil
    }

    /// The result of an op. Records the graph edge only when some input needs a gradient.
    init(_ value: Tensor, inputs: [Variable], pullback: @escaping Pullback) {
        self.value = value
        let tracked = inputs.contains { $0.requiresGradient }
        self.requiresGradient = tracked
        self.inputs = tracked ? inputs : []
        self.pullback = tracked ? pullback : nil
    }

    public var shape: [Int] { value.shape }

    /// The same value cut off from the graph: gradients stop here (PyTorch's `detach`).
    public func detached() -> Variable { Variable(value) }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable(\(value))" }
}
