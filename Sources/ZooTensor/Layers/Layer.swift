/// A building block of a model: a differentiable function with named parameters and buffers,
/// named like the entries of a PyTorch `state_dict` ("0.weight", "2.bias", "1.running_mean").
///
/// Like a PyTorch module, a layer is either training or evaluating (`setTraining`): batch
/// normalization and dropout behave differently in the two. Layers that draw random numbers
/// (dropout) draw them from the generator passed to `callAsFunction(_:generator:)`, the run's
/// own, so a seed decides them and a resumed run draws the same.
public protocol Layer: AnyObject {
    func callAsFunction(_ x: Variable) -> Variable
    /// The forward pass with the run's generator; layers that draw nothing ignore it.
    func callAsFunction(_ x: Variable, generator: inout RandomGenerator) -> Variable
    var namedParameters: [(name: String, parameter: Variable)] { get }
    /// State that is not trained by gradients but saved with the weights (running statistics).
    var namedBuffers: [(name: String, buffer: Buffer)] { get }
    /// Switches this layer and every layer inside it between training and evaluation.
    func setTraining(_ training: Bool)
}

extension Layer {
    public func callAsFunction(_ x: Variable, generator: inout RandomGenerator) -> Variable { self(x) }
    public var namedParameters: [(name: String, parameter: Variable)] { [] }
    public var namedBuffers: [(name: String, buffer: Buffer)] { [] }
    public func setTraining(_ training: Bool) {}

    /// The parameters with `prefix.` in front of every name ("encoder.0.weight").
    public func namedParameters(prefix: String) -> [(name: String, parameter: Variable)] {
        namedParameters.map { ("\(prefix).\($0.name)", $0.parameter) }
    }

    /// The buffers with `prefix.` in front of every name ("encoder.1.running_mean").
    public func namedBuffers(prefix: String) -> [(name: String, buffer: Buffer)] {
        namedBuffers.map { ("\(prefix).\($0.name)", $0.buffer) }
    }
}

/// A tensor a layer keeps beside its parameters, changed by its forward pass in training, not
/// by an optimizer (PyTorch's registered buffers). `isCount` marks an integer counter
/// (`num_batches_tracked`), which checkpoints store as int64 as PyTorch does; `isVariance`
/// one that can never be negative (`running_var`), which a checkpoint reader refuses otherwise.
public final class Buffer {
    public var value: Tensor
    public let isCount: Bool
    public let isVariance: Bool
    public init(_ value: Tensor, isCount: Bool = false, isVariance: Bool = false) {
        self.value = value
        self.isCount = isCount
        self.isVariance = isVariance
    }
}

/// Layers applied in order; parameters are named by position, as in PyTorch's `nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func callAsFunction(_ x: Variable) -> Variable { layers.reduce(x) { $1($0) } }

    public func callAsFunction(_ x: Variable, generator: inout RandomGenerator) -> Variable {
        var h = x
        for layer in layers { h = layer(h, generator: &generator) }
        return h
    }

    public var namedParameters: [(name: String, parameter: Variable)] {
        layers.enumerated().flatMap { index, layer in layer.namedParameters(prefix: String(index)) }
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        layers.enumerated().flatMap { index, layer in layer.namedBuffers(prefix: String(index)) }
    }

    public func setTraining(_ training: Bool) { layers.forEach { $0.setTraining(training) } }
}

/// An activation as a layer, so it takes its index in a `Sequential` as PyTorch's do.
public final class Activation: Layer {
    private let function: (Variable) -> Variable
    public init(_ function: @escaping (Variable) -> Variable) { self.function = function }
    public func callAsFunction(_ x: Variable) -> Variable { function(x) }

    public static var relu: Activation { Activation(ZooTensor.relu) }
    public static var sigmoid: Activation { Activation(ZooTensor.sigmoid) }
    public static var tanh: Activation { Activation(ZooTensor.tanh) }
    public static func leakyRelu(_ slope: Float) -> Activation { Activation { ZooTensor.leakyRelu($0, negativeSlope: slope) } }
}

