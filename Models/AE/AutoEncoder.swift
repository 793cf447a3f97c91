import Zoo

/// A deterministic autoencoder: x → z (a linear bottleneck) → x̂, trained on mean squared error.
/// To sample, it draws z from a Gaussian fitted to the training set's codes after each epoch.
public final class AutoEncoder: GenerativeModel {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var latent = 2
        public var hidden = [256, 128]
    }

    public static let name = "ae"
    public static let summary = "Autoencoder: MSE, samples from a Gaussian fitted to the codes"
    public static let encodeDescription = "the bottleneck code of each image"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(learningRate: 1e-3)
    public static let pixelRange = PixelRange.unit

    public let hyperparameters: Hyperparameters
    public var latentSize: Int { hyperparameters.latent }
    /// Flattened images → codes.
    let encoder: Sequential
    /// Codes → flattened pixels, shown as images of `imageShape`.
    let decoder: Sequential
    let imageShape: ImageShape
    /// N(mean, covariance) of the training codes, refitted at the end of every epoch.
    var codes: LatentGaussian

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        // The sampler keeps a latent × latent covariance and factorises it every epoch.
        guard (1...4096).contains(h.latent) else { throw ZooError("ae: latent must be between 1 and 4096, got \(h.latent)") }
        hyperparameters = h
        self.imageShape = imageShape
        let pixels = imageShape.elementCount
        encoder = try .perceptron([pixels] + h.hidden + [h.latent], activation: { .relu }, generator: &generator)
        decoder = try .perceptron([h.latent] + h.hidden.reversed() + [pixels], activation: { .relu }, output: .sigmoid, generator: &generator)
        codes = LatentGaussian(dimension: h.latent)
    }

    public var layers: [(name: String, layer: any Layer)] { [("encoder", encoder), ("decoder", decoder)] }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let loss = mseLoss(reshape(decoder(encoder(flatten(Variable(images)))), images.shape), images)
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["mse": loss.value.scalar]
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let squaredError = mseLoss(Variable(reconstruct(images)), images, reduction: .sum).value.scalar
        return ["mse": Double(squaredError) / Double(imageShape.elementCount)]  // per image: mean over pixels
    }

    public func encode(_ images: Tensor) -> Tensor { encoder(flatten(Variable(images))).value }
    public func decode(_ latents: Tensor) -> Tensor {
        decoder(Variable(latents)).value.reshaped(imageShape.batch(latents.shape[0]))
    }

    public func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        decode(codes.sample(count, generator: &generator))
    }

    public func epochFinished(trainingSet: ImageBatches) {
        codes = LatentGaussian(fitting: trainingSet.map { encode($0) }, dimension: latentSize)
    }

    public var extraState: [String: Tensor] { codes.state }
    public func load(extraState: [String: Tensor]) throws { codes = try LatentGaussian(state: extraState, dimension: latentSize) }
}
