import Zoo

/// The two DCGAN network families, chosen by image size:
///
/// - `tensorflow`, for sizes divisible by 4 such as MNIST's 28×28: the TensorFlow DCGAN
///   tutorial's networks. G: z → linear to c₀·(s/4)² → BN → LeakyReLU → reshape →
///   transposed convs k×k to c₁ (stride 1), c₂ (stride 2) and the image's channels (stride 2),
///   BN + LeakyReLU between, tanh. D: convs k×k stride 2 to d₀ and d₁, each with LeakyReLU and
///   dropout, then a linear layer to one logit.
/// - `pytorch`, for sizes 4·2ⁿ (32, 64, 128): the PyTorch DCGAN example's networks. G: z as a
///   1×1 image → transposed conv 4×4 to c₀ (4×4), then transposed convs stride 2, each doubling
///   the size, with BN + ReLU between, tanh. D: convs stride 2, each halving it, BN (not on the
///   first) + LeakyReLU, then a 4×4 conv to one logit.
///
/// Both use the DCGAN paper's initialisation (Radford et al. 2016, §4): weights N(0, 0.02),
/// batch-norm scales N(1, 0.02), biases 0. Transposed and strided convolutions with kernel k
/// pad by ⌊(k−1)/2⌋ (and the transposed ones add one output row when k is odd), so each
/// stride-2 layer doubles or halves the size exactly, as TensorFlow's 'same' padding does.
enum DCGANArchitecture: String, Codable, Sendable {
    case tensorflow, pytorch

    /// The family for an image size, or nil when neither fits.
    static func forImages(_ shape: ImageShape) -> DCGANArchitecture? {
        guard shape.height == shape.width else { return nil }
        if shape.height == 28 { return .tensorflow }
        var size = shape.height
        while size > 4 && size % 2 == 0 { size /= 2 }
        if size == 4 && shape.height >= 8 { return .pytorch }
        return shape.height % 4 == 0 && shape.height >= 8 ? .tensorflow : nil
    }

    /// The stride-2 stages between 4×4 and the image (pytorch), or 2 (tensorflow).
    func stages(_ shape: ImageShape) -> Int {
        switch self {
        case .tensorflow: 2
        case .pytorch: (shape.height / 4).trailingZeroBitCount
        }
    }

    var defaultKernel: Int { self == .tensorflow ? 5 : 4 }

    /// The tutorial's widths, or the example's (ngf = ndf = 64, doubling per stage).
    func defaultChannels(_ shape: ImageShape) -> (generator: [Int], discriminator: [Int]) {
        switch self {
        case .tensorflow: return ([256, 128, 64], [64, 128])
        case .pytorch:
            let widths = (0..<stages(shape)).map { 64 << $0 }
            return (widths.reversed(), widths)
        }
    }

    /// How many channel counts each network takes.
    func channelCounts(_ shape: ImageShape) -> (generator: Int, discriminator: Int) {
        self == .tensorflow ? (3, 2) : (stages(shape), stages(shape))
    }

    /// z [n, latent] → images [n, channels, size, size] in [-1, 1] (a conditional G's z has the
    /// one-hot label appended: `latent` counts it).
    func generator(latent: Int, channels g: [Int], kernel k: Int, slope: Float, image: ImageShape,
                   generator random: inout RandomGenerator) -> Sequential {
        let padding = Pair((k - 1) / 2, (k - 1) / 2), grow = Pair(k % 2, k % 2)
        func upsample(_ from: Int, _ to: Int) -> ConvTranspose2d {
            ConvTranspose2d(from, to, kernelSize: Pair(k, k), stride: 2, padding: padding, outputPadding: grow, bias: false, generator: &random)
        }
        var layers: [any Layer]
        switch self {
        case .tensorflow:
            let side = image.height / 4
            layers = [Linear(latent, g[0] * side * side, bias: false, generator: &random), BatchNorm1d(g[0] * side * side),
                      Activation.leakyRelu(slope), Unflatten([g[0], side, side]),
                      ConvTranspose2d(g[0], g[1], kernelSize: Pair(k, k), padding: padding, bias: false, generator: &random),
                      BatchNorm2d(g[1]), Activation.leakyRelu(slope),
                      upsample(g[1], g[2]), BatchNorm2d(g[2]), Activation.leakyRelu(slope),
                      upsample(g[2], image.channels), Activation.tanh]
        case .pytorch:
            layers = [Unflatten([latent, 1, 1]), ConvTranspose2d(latent, g[0], kernelSize: 4, bias: false, generator: &random),
                      BatchNorm2d(g[0]), Activation.relu]
            for (from, to) in zip(g, g.dropFirst()) {
                layers += [upsample(from, to), BatchNorm2d(to), Activation.relu]
            }
            layers += [upsample(g[g.count - 1], image.channels), Activation.tanh]
        }
        return Self.initialised(Sequential(layers), &random)
    }

    /// Images (with `extraChannels` more input channels: a conditional D's label planes) →
    /// one logit per image that it is real.
    func discriminator(channels d: [Int], kernel k: Int, slope: Float, dropout: Float, image: ImageShape, extraChannels: Int = 0,
                       generator random: inout RandomGenerator) -> Sequential {
        let padding = Pair((k - 1) / 2, (k - 1) / 2)
        var layers: [any Layer] = []
        for (i, (from, to)) in zip([image.channels + extraChannels] + d, d).enumerated() {
            layers.append(Conv2d(from, to, kernelSize: Pair(k, k), stride: 2, padding: padding, bias: self == .tensorflow, generator: &random))
            if self == .pytorch && i > 0 { layers.append(BatchNorm2d(to)) }
            layers.append(Activation.leakyRelu(slope))
            if dropout > 0 { layers.append(Dropout(dropout)) }
        }
        switch self {
        case .tensorflow:
            let side = image.height / 4
            layers += [Flatten(), Linear(d[d.count - 1] * side * side, 1, generator: &random)]
        case .pytorch:
            layers += [Conv2d(d[d.count - 1], 1, kernelSize: 4, bias: false, generator: &random), Flatten()]
        }
        return Self.initialised(Sequential(layers), &random)
    }

    /// The paper's initialisation, drawn layer by layer in order (as PyTorch's `apply(weights_init)`).
    private static func initialised(_ network: Sequential, _ random: inout RandomGenerator) -> Sequential {
        for layer in network.layers {
            switch layer {
            case let conv as Conv2d: conv.weight.value = random.normal(conv.weight.shape, std: 0.02)
            case let conv as ConvTranspose2d: conv.weight.value = random.normal(conv.weight.shape, std: 0.02)
            case let linear as Linear: linear.weight.value = random.normal(linear.weight.shape, std: 0.02)
            case let norm as BatchNorm:
                norm.weight.value = random.normal(norm.weight.shape, mean: 1, std: 0.02)
                norm.bias.value = .zeros(norm.bias.shape)
            default: break
            }
            if let linear = layer as? Linear, let bias = linear.bias { bias.value = .zeros(bias.shape) }
            if let conv = layer as? Conv2d, let bias = conv.bias { bias.value = .zeros(bias.shape) }
        }
        return network
    }
}
