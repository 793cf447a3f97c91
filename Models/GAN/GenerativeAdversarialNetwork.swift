import Zoo

/// A generative adversarial network (Goodfellow et al.): the generator G maps z ~ N(0, I) to an
/// image in [-1, 1]; the discriminator D gives the logit that an image is real. Each batch takes
/// one D step on BCE(D(x), 1) + BCE(D(G(z)), 0), then one G step on the non-saturating BCE(D(G(z)), 1).
public final class GenerativeAdversarialNetwork: GenerativeModel {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var latent = 100
        /// Generator widths; the discriminator mirrors them (784 → 1024 → 512 → 256 → 1).
        public var hidden = [256, 512, 1024]
        public var leakySlope: Float = 0.2
        /// Gradient steps on z when `encode` inverts the generator.
        public var inversionSteps = 300
    }

    public static let name = "gan"
    public static let summary = "GAN: MLP generator and discriminator, non-saturating BCE"
    public static let encodeDescription = "an approximation: the z whose G(z) is closest to the image, found by gradient descent"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
    public static let pixelRange = PixelRange.symmetric

    public let hyperparameters: Hyperparameters
    public var latentSize: Int { hyperparameters.latent }
    /// z → flattened pixels, shown as images of `imageShape`.
    let generatorNetwork: Sequential
    /// Flattened images → the logit that they are real.
    let discriminator: Sequential
    let imageShape: ImageShape

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard h.leakySlope.isFinite else { throw ZooError("gan: leakySlope must be a finite number, got \(h.leakySlope)") }
        guard (0...100_000).contains(h.inversionSteps) else {
            throw ZooError("gan: inversionSteps must be between 0 and 100000, got \(h.inversionSteps)")
        }
        hyperparameters = h
        self.imageShape = imageShape
        let slope = h.leakySlope, pixels = imageShape.elementCount
        generatorNetwork = try .perceptron([h.latent] + h.hidden + [pixels], activation: { .leakyRelu(slope) }, output: .tanh, generator: &generator)
        discriminator = try .perceptron([pixels] + h.hidden.reversed() + [1], activation: { .leakyRelu(slope) }, generator: &generator)
    }

    public var layers: [(name: String, layer: any Layer)] { [("generator", generatorNetwork), ("discriminator", discriminator)] }
    var generatorParameters: [(name: String, parameter: Variable)] { generatorNetwork.namedParameters(prefix: "generator") }
    var discriminatorParameters: [(name: String, parameter: Variable)] { discriminator.namedParameters(prefix: "discriminator") }

    /// G(z) as images, and D on images (flattened for the perceptrons).
    func generate(_ z: Variable) -> Variable { reshape(generatorNetwork(z), imageShape.batch(z.shape[0])) }
    func discriminate(_ images: Variable) -> Variable { discriminator(flatten(images)) }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("generator", settings.adam(generatorParameters)), ("discriminator", settings.adam(discriminatorParameters))]
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let n = images.shape[0]
        let fake = generate(Variable(generator.normal([n, latentSize])))

        // D sees real and (detached) fake images in one batch of 2n: the same loss as two
        // passes, BCE(D(x), 1) + BCE(D(G(z)), 0), each a mean over n, with half the GEMM calls.
        let logits = discriminate(Variable(Tensor.concatenate(firstAxis: [images, fake.value])))
        let labels = Tensor.concatenate(firstAxis: [Tensor(shape: [n, 1], repeating: 1), Tensor(shape: [n, 1], repeating: 0)])
        let dLoss = binaryCrossEntropy(logits: logits, labels, reduction: .sum) / Float(n)
        optimizers[1].step(gradients(of: dLoss, withRespectTo: discriminatorParameters.map(\.parameter)))

        let gLoss = binaryCrossEntropy(logits: discriminate(fake), Tensor(shape: [n, 1], repeating: 1))
        optimizers[0].step(gradients(of: gLoss, withRespectTo: generatorParameters.map(\.parameter)))

        // How real D found each half: 0.5 for both at equilibrium.
        let probabilities = sigmoid(logits.detached()).value.scalars
        return ["d_loss": dLoss.value.scalar, "g_loss": gLoss.value.scalar,
                "d_real": probabilities[..<n].reduce(0, +) / Float(n), "d_fake": probabilities[n...].reduce(0, +) / Float(n)]
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let n = images.shape[0]
        let real = Tensor(shape: [n, 1], repeating: 1), fakeLabel = Tensor(shape: [n, 1], repeating: 0)
        let realLogits = discriminate(Variable(images))
        let fakeLogits = discriminate(Variable(sample(n, generator: &generator)))
        let dLoss = binaryCrossEntropy(logits: realLogits, real).value.scalar + binaryCrossEntropy(logits: fakeLogits, fakeLabel).value.scalar
        let gLoss = binaryCrossEntropy(logits: fakeLogits, real).value.scalar
        return ["d_loss": Double(dLoss) * Double(n), "g_loss": Double(gLoss) * Double(n),
                "d_real": Double(meanProbability(realLogits)) * Double(n), "d_fake": Double(meanProbability(fakeLogits)) * Double(n)]
    }

    /// The mean of sigmoid(logits): how real D finds a batch (0.5 at equilibrium).
    private func meanProbability(_ logits: Variable) -> Float { mean(sigmoid(logits.detached())).value.scalar }

    public func decode(_ latents: Tensor) -> Tensor { generate(Variable(latents)).value }

    public func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        decode(generator.normal([count, latentSize]))
    }

    public func encode(_ images: Tensor) -> Tensor { encodeDetails(images)["z"]! }

    /// Inverts G (see `GeneratorInversion`).
    public func encodeDetails(_ images: Tensor) -> [String: Tensor] {
        GeneratorInversion(steps: hyperparameters.inversionSteps).invert(images, latentSize: latentSize, generate: generate)
    }
}
