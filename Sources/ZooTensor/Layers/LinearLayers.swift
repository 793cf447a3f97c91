/// y = x·Wᵀ + b, initialised like PyTorch's `nn.Linear`: W and b ~ U(±1/√in); `bias: false`
/// leaves b out (before a batch normalization, which would cancel it).
public final class Linear: Layer {
    public let weight: Variable
    public let bias: Variable?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: inout RandomGenerator) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Variable(parameter: generator.uniform([outFeatures, inFeatures], low: -bound, high: bound))
        self.bias = bias ? Variable(parameter: generator.uniform([outFeatures], low: -bound, high: bound)) : nil
    }

    public func callAsFunction(_ x: Variable) -> Variable { linear(x, weight: weight, bias: bias) }
    public var namedParameters: [(name: String, parameter: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Why a layer cannot be built with the sizes asked for.
public struct LayerSizeError: Error, CustomStringConvertible {
    public let description: String
}

extension Sequential {
    /// The most weights one perceptron may have: 2^27 floats, 512 MiB, which training (with
    /// gradients and Adam's two moments) already takes four times over. A mistyped width such
    /// as `--hidden 1000000,1` is an error, not an out-of-memory kill.
    public static let maximumParameters = 1 << 27

    /// A multi-layer perceptron over `widths` (in, hidden..., out): Linear layers with `activation`
    /// between them and `output` after the last, if any.
    public static func perceptron(_ widths: [Int], activation: () -> Activation, output: Activation? = nil,
                                  generator: inout RandomGenerator) throws -> Sequential {
        precondition(widths.count >= 2, "a perceptron needs input and output widths")
        let shown = widths.map(String.init).joined(separator: "→")
        guard widths.allSatisfy({ (1...maximumParameters).contains($0) }) else {
            throw LayerSizeError(description: "layer widths \(shown): each must be between 1 and \(maximumParameters)")
        }
        // Each width is at most 2^27, so no product overflows, and the sum stops at the cap.
        var parameters = 0
        for (inWidth, outWidth) in zip(widths, widths.dropFirst()) where parameters <= maximumParameters {
            parameters += (inWidth + 1) * outWidth
        }
        guard parameters <= maximumParameters else {
            throw LayerSizeError(description: "layer widths \(shown) need more than \(maximumParameters) weights")
        }
        var layers: [any Layer] = []
        for (i, (inWidth, outWidth)) in zip(widths, widths.dropFirst()).enumerated() {
            layers.append(Linear(inWidth, outWidth, generator: &generator))
            if i < widths.count - 2 { layers.append(activation()) }
        }
        if let output { layers.append(output) }
        return Sequential(layers)
    }
}
