import Zoo

/// A variational autoencoder (Kingma & Welling): the encoder gives a Gaussian q(z|x) = N(μ, σ²),
/// z = μ + σ·ε is decoded to pixel probabilities, and the loss per image is
/// BCE(x̂, x) summed over pixels + β·KL(q(z|x) ‖ N(0, I)) (β = 1: the ELBO).
public final class VariationalAutoEncoder: GenerativeModel {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var latent = 20
        public var hidden = [400]
        /// Weight of the KL term (β-VAE, Higgins et al. 2017); 1 is the plain VAE.
        public var beta: Float = 1
    }

    public static let name = "vae"
    public static let summary = "Variational autoencoder: BCE + KL, z ~ N(0, I)"
    public static let encodeDescription = "the posterior mean μ of each image (and log σ² with --details)"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(learningRate: 1e-3)
    public static let pixelRange = PixelRange.unit

    public let hyperparameters: Hyperparameters
    public var latentSize: Int { hyperparameters.latent }
    /// x → [μ | log σ²]: one layer emits both halves, sliced apart.
    let encoder: Sequential
    /// z → pixel probabilities, shown as images of `imageShape`.
    let decoder: Sequential
    let imageShape: ImageShape

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        // Checked here, not only by the perceptron, which sees 2·latent.
        guard (1...Sequential.maximumParameters).contains(h.latent) else {
            throw ZooError("vae: latent must be between 1 and \(Sequential.maximumParameters), got \(h.latent)")
        }
        guard h.beta.isFinite, h.beta >= 0 else { throw ZooError("vae: beta must be a finite number >= 0, got \(h.beta)") }
        hyperparameters = h
        self.imageShape = imageShape
        let pixels = imageShape.elementCount
        encoder = try .perceptron([pixels] + h.hidden + [2 * h.latent], activation: { .relu }, generator: &generator)
        decoder = try .perceptron([h.latent] + h.hidden.reversed() + [pixels], activation: { .relu }, output: .sigmoid, generator: &generator)
    }

    public var layers: [(name: String, layer: any Layer)] { [("encoder", encoder), ("decoder", decoder)] }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    func posterior(_ x: Variable) -> GaussianPosterior { GaussianPosterior(encoder(flatten(x)), latent: latentSize) }

    /// The loss terms summed over the batch.
    func losses(_ images: Tensor, generator: inout RandomGenerator) -> (bce: Variable, kl: Variable) {
        let q = posterior(Variable(images))
        let reconstruction = reshape(decoder(q.sample(generator: &generator)), images.shape)
        return (binaryCrossEntropy(reconstruction, images, reduction: .sum), q.klDivergence)
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let n = Float(images.shape[0])
        let (bce, kl) = losses(images, generator: &generator)
        let loss = (bce + (hyperparameters.beta == 1 ? kl : kl * hyperparameters.beta)) / n
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["loss": loss.value.scalar, "bce": bce.value.scalar / n, "kl": kl.value.scalar / n]
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let (bce, kl) = losses(images, generator: &generator)
        let (b, k) = (Double(bce.value.scalar), Double(kl.value.scalar))
        return ["loss": b + Double(hyperparameters.beta) * k, "bce": b, "kl": k]
    }

    public func encode(_ images: Tensor) -> Tensor { posterior(Variable(images)).mu.value }

    public func encodeDetails(_ images: Tensor) -> [String: Tensor] {
        let q = posterior(Variable(images))
        return ["z": q.mu.value, "logvar": q.logvar.value]
    }

    public func decode(_ latents: Tensor) -> Tensor {
        decoder(Variable(latents)).value.reshaped(imageShape.batch(latents.shape[0]))
    }

    public func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        decode(generator.normal([count, latentSize]))
    }
}
