/// PyTorch's `nn.MaxPool2d` (stride defaults to the kernel).
public final class MaxPool2d: Layer {
    public let kernel: Pair, stride: Pair, padding: Pair
    public init(_ kernel: Pair, stride: Pair? = nil, padding: Pair = 0) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public func callAsFunction(_ x: Variable) -> Variable { maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

/// PyTorch's `nn.AvgPool2d` with count_include_pad (stride defaults to the kernel).
public final class AvgPool2d: Layer {
    public let kernel: Pair, stride: Pair, padding: Pair
    public init(_ kernel: Pair, stride: Pair? = nil, padding: Pair = 0) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public func callAsFunction(_ x: Variable) -> Variable { avgPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

/// PyTorch's `nn.Upsample(scale_factor:, mode: "nearest")` for whole factors.
public final class Upsample: Layer {
    public let scale: Pair
    public init(scale: Pair) { self.scale = scale }
    public func callAsFunction(_ x: Variable) -> Variable { upsampleNearest(x, scale: scale) }
}

/// PyTorch's `nn.Flatten`: [n, ...] to [n, product of the rest].
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { flatten(x) }
}

/// PyTorch's `nn.Unflatten(1, shape)`: [n, k] to [n] + shape.
public final class Unflatten: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ x: Variable) -> Variable { reshape(x, [x.shape[0]] + shape) }
}
