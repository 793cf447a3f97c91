import Zoo

/// A small convolutional autoencoder defined in the tests, to put the layers with state and
/// randomness through the whole zoo: a strided Conv2d, BatchNorm2d (running statistics saved
/// as buffers), Dropout (drawn from the run's generator), a linear bottleneck, then nearest
/// upsampling and a Conv2d back to the image's channels. Images need an even height and width.
final class TinyConvAutoEncoder: GenerativeModel {
    struct Hyperparameters: Codable, Sendable, Equatable {
        var latent = 8
        var width = 8
        var dropout: Float = 0.1
    }

    static let name = "tinyconv"
    static let summary = "Convolutional autoencoder with batch norm and dropout, defined in the tests"
    static let defaultHyperparameters = Hyperparameters()
    static let defaultTraining = TrainingSettings(epochs: 1, batchSize: 64, learningRate: 2e-3)
    static let pixelRange = PixelRange.unit

    let hyperparameters: Hyperparameters
    var latentSize: Int { hyperparameters.latent }
    let encoder: Sequential
    let decoder: Sequential
    let imageShape: ImageShape

    init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard imageShape.height % 2 == 0, imageShape.width % 2 == 0 else {
            throw ZooError("tinyconv: images need an even height and width, got \(imageShape)")
        }
        hyperparameters = h
        self.imageShape = imageShape
        let c = imageShape.channels, half = [h.width, imageShape.height / 2, imageShape.width / 2]
        encoder = Sequential(
            Conv2d(c, h.width, kernelSize: 3, stride: 2, padding: 1, generator: &generator),
            BatchNorm2d(h.width), Activation.relu, Dropout(h.dropout), Flatten(),
            Linear(half.reduce(1, *), h.latent, generator: &generator))
        decoder = Sequential(
            Linear(h.latent, half.reduce(1, *), generator: &generator), Activation.relu, Unflatten(half),
            Upsample(scale: 2), Conv2d(h.width, c, kernelSize: 3, padding: 1, generator: &generator), Activation.sigmoid)
    }

    var layers: [(name: String, layer: any Layer)] { [("encoder", encoder), ("decoder", decoder)] }

    func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let loss = mseLoss(decoder(encoder(Variable(images), generator: &generator)), images)
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["mse": loss.value.scalar]
    }

    func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let squaredError = mseLoss(Variable(reconstruct(images)), images, reduction: .sum).value.scalar
        return ["mse": Double(squaredError) / Double(imageShape.elementCount)]
    }

    func encode(_ images: Tensor) -> Tensor { encoder(Variable(images)).value }
    func decode(_ latents: Tensor) -> Tensor { decoder(Variable(latents)).value }
    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor { decode(generator.normal([count, latentSize])) }
}
