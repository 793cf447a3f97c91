import Zoo

/// A class-conditional DCGAN (Mirza & Osindero 2014, on DCGAN's networks): G maps z with the
/// one-hot label appended to an image of that class; D sees the image with its label as extra
/// one-hot input channels and gives the logit that the pair is real. Trained as `dcgan` is
/// (`AdversarialTraining`), with each batch's real labels given to G's draws as well.
/// It lives beside `dcgan` because it is built from the same networks (`DCGANArchitecture`).
public final class ConditionalDCGAN: ConditionalGenerativeModel {
    public typealias Hyperparameters = DeepConvolutionalGAN.Hyperparameters

    public static let name = "cgan"
    public static let summary = "Conditional DCGAN: the label beside z for G, as input channels for D"
    public static let encodeDescription = "an approximation: the z whose G(z, label) is closest to the image, found by gradient descent"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = DeepConvolutionalGAN.defaultTraining
    public static let pixelRange = PixelRange.symmetric

    public let hyperparameters: Hyperparameters
    public let classCount: Int
    public var latentSize: Int { hyperparameters.latent }
    let imageShape: ImageShape
    /// [z | one-hot label] → images.
    let generatorNetwork: Sequential
    /// [image | label planes] → the logit that the pair is real.
    let discriminator: Sequential

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard classCount >= 2 else {
            throw ZooError("cgan: the data has \(classCount) class; a conditional model needs labels (one subfolder per class)")
        }
        let (architecture, resolved) = try DeepConvolutionalGAN.resolve(h, for: imageShape, model: Self.name)
        hyperparameters = resolved
        self.classCount = classCount
        self.imageShape = imageShape
        generatorNetwork = architecture.generator(latent: h.latent + classCount, channels: resolved.generatorChannels, kernel: resolved.kernel,
                                                  slope: h.leakySlope, image: imageShape, generator: &generator)
        discriminator = architecture.discriminator(channels: resolved.discriminatorChannels, kernel: resolved.kernel, slope: h.leakySlope,
                                                   dropout: h.dropout, image: imageShape, extraChannels: classCount, generator: &generator)
    }

    public var layers: [(name: String, layer: any Layer)] { [("generator", generatorNetwork), ("discriminator", discriminator)] }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("generator", settings.adam(generatorNetwork.namedParameters(prefix: "generator"))),
         ("discriminator", settings.adam(discriminator.namedParameters(prefix: "discriminator")))]
    }

    func generate(_ z: Variable, _ labels: [Int]) -> Variable {
        generatorNetwork(concatenate([z, Variable(.oneHot(labels, classes: classCount))], axis: 1))
    }

    /// D on images of `labels`, as `AdversarialTraining` calls it.
    func discriminate(given labels: [Int]) -> (Variable, inout RandomGenerator) -> Variable {
        let planes = Variable(.oneHotPlanes(labels, classes: classCount, height: imageShape.height, width: imageShape.width))
        return { images, generator in self.discriminator(concatenate([images, planes], axis: 1), generator: &generator) }
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let fake = generate(Variable(generator.normal([images.shape[0], latentSize])), labels)
        return AdversarialTraining(fake: fake, discriminate: discriminate(given: labels))
            .step(images, optimizers: optimizers, generatorParameters: generatorNetwork.namedParameters.map(\.parameter),
                  discriminatorParameters: discriminator.namedParameters.map(\.parameter), generator: &generator)
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let fake = Variable(sample(labels: labels, generator: &generator))
        return AdversarialTraining(fake: fake, discriminate: discriminate(given: labels)).evaluate(images, generator: &generator)
    }

    public func decode(_ latents: Tensor, labels: [Int]) -> Tensor { generate(Variable(latents), labels).value }

    public func sample(labels: [Int], generator: inout RandomGenerator) -> Tensor {
        decode(generator.normal([labels.count, latentSize]), labels: labels)
    }

    /// Inverts G for each image's label (see `GeneratorInversion`).
    public func encodeDetails(_ images: Tensor, labels: [Int]) -> [String: Tensor] {
        GeneratorInversion(steps: hyperparameters.inversionSteps).invert(images, latentSize: latentSize) { generate($0, labels) }
    }
}
