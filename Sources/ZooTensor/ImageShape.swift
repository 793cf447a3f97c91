/// The shape of one image: channels (1 gray, 3 RGB), height and width. A batch of images is an
/// NCHW tensor [n, channels, height, width].
public struct ImageShape: Hashable, Codable, Sendable, CustomStringConvertible {
    public var channels: Int, height: Int, width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Values per image: channels·height·width (784 for MNIST).
    public var elementCount: Int { channels * height * width }
    /// [channels, height, width], to follow a batch dimension.
    public var dimensions: [Int] { [channels, height, width] }
    /// The shape of a batch of `n` such images.
    public func batch(_ n: Int) -> [Int] { [n, channels, height, width] }

    /// "28x28 gray" or "64x64 RGB" (or "… 4 channels").
    public var description: String {
        let colour = channels == 1 ? "gray" : channels == 3 ? "RGB" : "\(channels) channels"
        return "\(height)x\(width) \(colour)"
    }
}

/// [n, ...] to [n, product of the rest]: images to the rows a perceptron takes (PyTorch's
/// `torch.flatten(x, 1)`); no copy.
public func flatten(_ x: Variable) -> Variable {
    let n = x.shape.first ?? 1
    return reshape(x, [n, x.value.count / max(n, 1)])
}
