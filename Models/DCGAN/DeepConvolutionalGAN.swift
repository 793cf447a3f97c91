import Zoo

/// DCGAN (Radford et al. 2016): a convolutional generator G from z ~ N(0, I) to images in
/// [-1, 1] and a convolutional discriminator D giving the logit that an image is real, with the
/// networks of the TensorFlow tutorial (28×28) or of the PyTorch example (32, 64, ...): see
/// `DCGANArchitecture`. Trained as `AdversarialTraining` says: D on BCE(D(x), 1) + BCE(D(G(z)), 0),
/// then G on the non-saturating BCE(D(G(z)), 1).
public final class DeepConvolutionalGAN: GenerativeModel {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var latent = 100
        /// Generator channels, widest first, and discriminator channels, narrowest first;
        /// [] takes the architecture's own for the image size (a checkpoint stores what was used).
        public var generatorChannels: [Int] = []
        public var discriminatorChannels: [Int] = []
        /// Kernel of the strided (transposed) convolutions; 0: 5 for 28×28, 4 otherwise.
        public var kernel = 0
        /// Dropout after each discriminator activation (the TensorFlow tutorial's 0.3; 0 gives
        /// the PyTorch example's network exactly).
        public var dropout: Float = 0.3
        public var leakySlope: Float = 0.2
        /// Gradient steps on z when `encode` inverts the generator.
        public var inversionSteps = 300
    }

    public static let name = "dcgan"
    public static let summary = "DCGAN: convolutional generator and discriminator (TensorFlow tutorial's for 28x28, PyTorch example's for 32, 64)"
    public static let encodeDescription = "an approximation: the z whose G(z) is closest to the image, found by gradient descent"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
    public static let pixelRange = PixelRange.symmetric

    public let hyperparameters: Hyperparameters
    public var latentSize: Int { hyperparameters.latent }
    let generatorNetwork: Sequential
    let discriminator: Sequential

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        let (architecture, resolved) = try Self.resolve(h, for: imageShape, model: Self.name)
        hyperparameters = resolved
        generatorNetwork = architecture.generator(latent: h.latent, channels: resolved.generatorChannels, kernel: resolved.kernel,
                                                  slope: h.leakySlope, image: imageShape, generator: &generator)
        discriminator = architecture.discriminator(channels: resolved.discriminatorChannels, kernel: resolved.kernel, slope: h.leakySlope,
                                                   dropout: h.dropout, image: imageShape, generator: &generator)
    }

    /// The network family for `imageShape` and `h` with its defaults ([], 0) filled in from it,
    /// checked; `model` names the plugin in errors.
    static func resolve(_ h: Hyperparameters, for imageShape: ImageShape, model: String) throws -> (DCGANArchitecture, Hyperparameters) {
        guard let architecture = DCGANArchitecture.forImages(imageShape) else {
            throw ZooError("\(model): images must be square, 28x28 or a multiple of 4 (TensorFlow's networks) or 4·2^n (PyTorch's: 32, 64, 128); got \(imageShape); try --image-size 64")
        }
        var resolved = h
        let defaults = architecture.defaultChannels(imageShape), counts = architecture.channelCounts(imageShape)
        if resolved.generatorChannels.isEmpty { resolved.generatorChannels = defaults.generator }
        if resolved.discriminatorChannels.isEmpty { resolved.discriminatorChannels = defaults.discriminator }
        if resolved.kernel == 0 { resolved.kernel = architecture.defaultKernel }
        guard resolved.generatorChannels.count == counts.generator, resolved.discriminatorChannels.count == counts.discriminator,
              (resolved.generatorChannels + resolved.discriminatorChannels).allSatisfy({ (1...4096).contains($0) }) else {
            throw ZooError("\(model): \(imageShape) images take \(counts.generator) generator and \(counts.discriminator) discriminator channel counts between 1 and 4096, got \(resolved.generatorChannels) and \(resolved.discriminatorChannels)")
        }
        guard (2...9).contains(resolved.kernel), architecture == .pytorch || resolved.kernel % 2 == 1 else {
            throw ZooError("\(model): kernel must be between 2 and 9 (odd for 28x28 images), got \(resolved.kernel)")
        }
        guard (1...100_000).contains(h.latent), (0..<1).contains(h.dropout), h.leakySlope.isFinite, (0...100_000).contains(h.inversionSteps) else {
            throw ZooError("\(model): latent must be 1...100000, dropout in [0, 1), leakySlope finite and inversionSteps 0...100000")
        }
        return (architecture, resolved)
    }

    public var layers: [(name: String, layer: any Layer)] { [("generator", generatorNetwork), ("discriminator", discriminator)] }
    var generatorParameters: [(name: String, parameter: Variable)] { generatorNetwork.namedParameters(prefix: "generator") }
    var discriminatorParameters: [(name: String, parameter: Variable)] { discriminator.namedParameters(prefix: "discriminator") }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("generator", settings.adam(generatorParameters)), ("discriminator", settings.adam(discriminatorParameters))]
    }

    func generate(_ z: Variable) -> Variable { generatorNetwork(z) }
    func discriminate(_ images: Variable, generator: inout RandomGenerator) -> Variable { discriminator(images, generator: &generator) }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let fake = generate(Variable(generator.normal([images.shape[0], latentSize])))
        return AdversarialTraining(fake: fake, discriminate: discriminate)
            .step(images, optimizers: optimizers, generatorParameters: generatorParameters.map(\.parameter),
                  discriminatorParameters: discriminatorParameters.map(\.parameter), generator: &generator)
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let fake = Variable(sample(images.shape[0], generator: &generator))
        return AdversarialTraining(fake: fake, discriminate: discriminate).evaluate(images, generator: &generator)
    }

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
