@_exported import ZooTensor
@_exported import ZooData
@_exported import ZooFiles
@_exported import ZooImages
@_exported import ZooPlots

/// What every model plugin is: a generative model of images that trains on batches and offers
/// the same verbs (encode, decode, sample) as every other, so `zoo` can drive any of them.
///
/// A plugin is a class in its own folder under `Models/`, registered with one line in
/// `Sources/ZooModels/Registry.swift` (or by another package through `ModelRegistry.register`).
public protocol GenerativeModel: AnyObject {
    /// The model's own hyper-parameters (architecture): Codable so checkpoints store them as JSON.
    associatedtype Hyperparameters: Codable & Sendable & Equatable

    /// The registered name, used on the command line (`zoo train vae`).
    static var name: String { get }
    /// One line for `zoo list`.
    static var summary: String { get }
    /// What `encode` means for this model, for `zoo list` and `zoo encode --help`.
    static var encodeDescription: String { get }
    static var defaultHyperparameters: Hyperparameters { get }
    /// Optimizer and schedule defaults (the reference lab's numbers).
    static var defaultTraining: TrainingSettings { get }
    /// The pixel range the model trains on: [0, 1] for sigmoid outputs, [-1, 1] for tanh.
    static var pixelRange: PixelRange { get }

    /// A freshly initialised model; `generator` draws the initial weights.
    init(_ hyperparameters: Hyperparameters, imageSize: Int, generator: inout RandomGenerator) throws

    var hyperparameters: Hyperparameters { get }
    var latentSize: Int { get }
    /// Every trainable tensor under its PyTorch `state_dict` name ("encoder.0.weight").
    var namedParameters: [(name: String, parameter: Variable)] { get }

    /// The optimizers the model trains with, by name ("optimizer", or "generator" and "discriminator").
    func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)]
    /// One optimisation step on a batch of images [batch, pixels] in `pixelRange`; returns the
    /// named losses of the step, averaged per image as the model reports them.
    func trainStep(_ images: Tensor, optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float]
    /// Test metrics for a batch, summed over its images (the caller averages over the test set).
    func evaluate(_ images: Tensor, generator: inout RandomGenerator) -> [String: Double]

    /// Latent codes [n, latentSize] for images [n, pixels].
    func encode(_ images: Tensor) -> Tensor
    /// The encoding with everything the model knows about it, by name: "z" always (the same
    /// as `encode`), plus extras such as the VAE's "logvar" or the GAN's "reconstruction_mse".
    func encodeDetails(_ images: Tensor) -> [String: Tensor]
    /// Images [n, pixels] in `pixelRange` for latent codes [n, latentSize].
    func decode(_ latents: Tensor) -> Tensor
    /// `count` new images [count, pixels] in `pixelRange`.
    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor

    /// Tensors besides the weights that the model needs after training (the AE's latent
    /// Gaussian, say), saved in checkpoints.
    var extraState: [String: Tensor] { get }
    func load(extraState: [String: Tensor]) throws
    /// Called at the end of every epoch with the whole training set, batch by batch.
    func epochFinished(trainingSet: ImageBatches)
}

extension GenerativeModel {
    public static var encodeDescription: String { "the latent code of each image" }
    public func encodeDetails(_ images: Tensor) -> [String: Tensor] { ["z": encode(images)] }
    public var extraState: [String: Tensor] { [:] }
    public func load(extraState: [String: Tensor]) throws {}
    public func epochFinished(trainingSet: ImageBatches) {}
    /// The model's view of an image: encode then decode.
    public func reconstruct(_ images: Tensor) -> Tensor { decode(encode(images)) }
}

/// The pixel range a model trains on.
public enum PixelRange: String, Codable, Sendable, CustomStringConvertible {
    /// [0, 1]: pixel / 255.
    case unit
    /// [-1, 1]: pixel / 127.5 - 1.
    case symmetric

    public var bounds: ClosedRange<Float> { self == .unit ? 0...1 : -1...1 }

    /// "[0, 1]" or "[-1, 1]", as people write intervals.
    public var description: String { self == .unit ? "[0, 1]" : "[-1, 1]" }
}
