/// PyTorch's `nn.Conv2d`: weight [out, in, kh, kw] and bias [out], both initialised
/// U(±1/√fan_in) with fan_in = in·kh·kw (PyTorch's default, kaiming_uniform with a = √5).
public final class Conv2d: Layer {
    public let weight: Variable
    public let bias: Variable?
    public let window: Window

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Pair, stride: Pair = 1, padding: Pair = 0,
                dilation: Pair = 1, bias: Bool = true, generator: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0, "Conv2d needs positive channel counts, got \(inChannels) → \(outChannels)")
        window = Window(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
        window.validate("Conv2d")
        let bound = 1 / Float(inChannels * kernelSize.height * kernelSize.width).squareRoot()
        weight = Variable(parameter: generator.uniform([outChannels, inChannels, kernelSize.height, kernelSize.width], low: -bound, high: bound))
        self.bias = bias ? Variable(parameter: generator.uniform([outChannels], low: -bound, high: bound)) : nil
    }

    public func callAsFunction(_ x: Variable) -> Variable { conv2d(x, weight: weight, bias: bias, window: window) }
    public var namedParameters: [(name: String, parameter: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// PyTorch's `nn.ConvTranspose2d`: weight [in, out, kh, kw] and bias [out], initialised
/// U(±1/√fan_in) where PyTorch's fan_in reads the weight's second axis: out·kh·kw.
public final class ConvTranspose2d: Layer {
    public let weight: Variable
    public let bias: Variable?
    public let window: Window
    public let outputPadding: Pair

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Pair, stride: Pair = 1, padding: Pair = 0,
                outputPadding: Pair = 0, dilation: Pair = 1, bias: Bool = true, generator: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0, "ConvTranspose2d needs positive channel counts, got \(inChannels) → \(outChannels)")
        window = Window(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
        window.validate("ConvTranspose2d")
        self.outputPadding = outputPadding
        let bound = 1 / Float(outChannels * kernelSize.height * kernelSize.width).squareRoot()
        weight = Variable(parameter: generator.uniform([inChannels, outChannels, kernelSize.height, kernelSize.width], low: -bound, high: bound))
        self.bias = bias ? Variable(parameter: generator.uniform([outChannels], low: -bound, high: bound)) : nil
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        convTranspose2d(x, weight: weight, bias: bias, window: window, outputPadding: outputPadding)
    }
    public var namedParameters: [(name: String, parameter: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
