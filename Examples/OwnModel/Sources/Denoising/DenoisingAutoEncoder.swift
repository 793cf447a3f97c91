import Zoo

/// A denoising autoencoder (Vincent et al. 2008): a random `corruption` share of each image's
/// pixels is set to 0, and the network learns to give back the clean image (pixel
/// probabilities, BCE summed over pixels). To sample, codes are drawn from a diagonal Gaussian
/// fitted to the training set's codes after every epoch, and decoded.
public final class DenoisingAutoEncoder: GenerativeModel {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var latent = 16
        public var hidden = [512, 256]
        /// The share of pixels masked out of each training image.
        public var corruption: Float = 0.25
    }

    public static let name = "dae"
    public static let summary = "Denoising autoencoder (an example plugin from outside zoo): masked pixels in, clean image out"
    public static let encodeDescription = "the code of each clean image"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(learningRate: 1e-3)
    public static let pixelRange = PixelRange.unit

    public let hyperparameters: Hyperparameters
    public var latentSize: Int { hyperparameters.latent }
    /// Flattened images → codes.
    let encoder: Sequential
    /// Codes → pixel probabilities, shown as images of `imageShape`.
    let decoder: Sequential
    let imageShape: ImageShape
    /// Per-dimension mean and standard deviation of the training codes: the sampling distribution.
    var codeMean: Tensor, codeStd: Tensor

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard (0..<1).contains(h.corruption) else { throw ZooError("dae: corruption must be in [0, 1), got \(h.corruption)") }
        hyperparameters = h
        self.imageShape = imageShape
        let pixels = imageShape.elementCount
        encoder = try .perceptron([pixels] + h.hidden + [h.latent], activation: { .relu }, generator: &generator)
        decoder = try .perceptron([h.latent] + h.hidden.reversed() + [pixels], activation: { .relu }, output: .sigmoid, generator: &generator)
        codeMean = .zeros([h.latent])
        codeStd = Tensor(shape: [h.latent], repeating: 1)
    }

    public var layers: [(name: String, layer: any Layer)] { [("encoder", encoder), ("decoder", decoder)] }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    /// `images` with each pixel set to 0 with probability `corruption`. The kept ones are scaled
    /// by 1 / (1 - corruption), as dropout does, so that on average the encoder sees what a
    /// clean image gives it, and encodes clean images (`encode`, `reconstruct`) as well.
    func corrupted(_ images: Tensor, generator: inout RandomGenerator) -> Tensor {
        let draws = generator.uniform(images.shape).scalars, p = hyperparameters.corruption
        return images * Tensor(shape: images.shape) { keep in
            for i in draws.indices { keep[i] = draws[i] < p ? 0 : 1 / (1 - p) }
        }
    }

    /// BCE of the clean images against what the network makes of their corrupted copies, summed.
    func denoisingLoss(_ images: Tensor, generator: inout RandomGenerator) -> Variable {
        let input = corrupted(images, generator: &generator)
        return binaryCrossEntropy(reshape(decoder(encoder(flatten(Variable(input)))), images.shape), images, reduction: .sum)
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let loss = denoisingLoss(images, generator: &generator) / Float(images.shape[0])
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["bce": loss.value.scalar]
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let clean = binaryCrossEntropy(Variable(reconstruct(images)), images, reduction: .sum)
        return ["bce": Double(denoisingLoss(images, generator: &generator).value.scalar),
                "clean_bce": Double(clean.value.scalar)]
    }

    public func encode(_ images: Tensor) -> Tensor { encoder(flatten(Variable(images))).value }
    public func decode(_ latents: Tensor) -> Tensor {
        decoder(Variable(latents)).value.reshaped(imageShape.batch(latents.shape[0]))
    }

    public func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        decode(generator.normal([count, latentSize]) * codeStd + codeMean)
    }

    /// Refits the sampling distribution to the codes of the whole training set (in Float64).
    public func epochFinished(trainingSet: ImageBatches) {
        let d = latentSize
        var sum = [Double](repeating: 0, count: d), squares = sum, n = 0.0
        for batch in trainingSet {
            let codes = encode(batch).scalars
            for (k, z) in codes.enumerated() {
                sum[k % d] += Double(z)
                squares[k % d] += Double(z) * Double(z)
            }
            n += Double(codes.count / d)
        }
        guard n > 0 else { return }
        let mean = sum.map { $0 / n }
        codeMean = Tensor(shape: [d], mean.map(Float.init))
        codeStd = Tensor(shape: [d], (0..<d).map { Float(max(squares[$0] / n - mean[$0] * mean[$0], 0).squareRoot()) })
    }

    /// The sampling distribution travels in the checkpoint beside the weights.
    public var extraState: [String: Tensor] { ["code_mean": codeMean, "code_std": codeStd] }
    public func load(extraState: [String: Tensor]) throws {
        guard let mean = extraState["code_mean"], mean.shape == [latentSize],
              let std = extraState["code_std"], std.shape == [latentSize] else {
            throw ZooError("dae: missing or misshapen code_mean / code_std [\(latentSize)]")
        }
        (codeMean, codeStd) = (mean, std)
    }
}
