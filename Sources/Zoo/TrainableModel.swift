@_exported import ZooTensor
@_exported import ZooData
@_exported import ZooFiles
@_exported import ZooImages
@_exported import ZooPlots
@_exported import ZooMetrics
@_exported import ZooNumPy

/// What every model plugin is: a network of images that `zoo` trains, checkpoints, resumes and
/// evaluates. What else it can do is a capability protocol on top: `GenerativeModel` (sample,
/// decode, encode, reconstruct) or `ImageClassifier` (classify, and lend its features to the
/// quality metrics). `Verb` says which verbs each capability brings.
///
/// A plugin is a class in its own folder under `Models/`, registered with one line in
/// `Sources/ZooModels/Registry.swift` (or by another package through `ModelRegistry.register`).
public protocol TrainableModel: AnyObject {
    /// The model's own hyper-parameters (architecture): Codable so checkpoints store them as JSON.
    associatedtype Hyperparameters: Codable & Sendable & Equatable

    /// The registered name, used on the command line (`zoo train vae`).
    static var name: String { get }
    /// One line for `zoo list`.
    static var summary: String { get }
    static var defaultHyperparameters: Hyperparameters { get }
    /// Optimizer and schedule defaults (the reference lab's numbers).
    static var defaultTraining: TrainingSettings { get }
    /// The pixel range the model trains on: [0, 1] for sigmoid outputs, [-1, 1] for tanh.
    static var pixelRange: PixelRange { get }

    /// A freshly initialised model for images of `imageShape` labelled with `classCount`
    /// classes (models that ignore labels ignore it); `generator` draws the initial weights.
    init(_ hyperparameters: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws

    var hyperparameters: Hyperparameters { get }
    /// The model's top-level layers under their PyTorch `state_dict` prefixes ("encoder",
    /// "decoder"): where its parameters, buffers and training mode are found.
    var layers: [(name: String, layer: any Layer)] { get }
    /// Every trainable tensor under its PyTorch `state_dict` name ("encoder.0.weight"); by
    /// default those of `layers`.
    var namedParameters: [(name: String, parameter: Variable)] { get }
    /// Every buffer (running statistics) under its `state_dict` name; by default those of `layers`.
    var namedBuffers: [(name: String, buffer: Buffer)] { get }
    /// Switches batch normalization and dropout between training and evaluation (PyTorch's
    /// `model.train()` / `model.eval()`); by default every layer of `layers`. A model is
    /// evaluating except inside `TrainingRun.trainEpoch`, so every verb runs it in evaluation mode.
    func setTraining(_ training: Bool)

    /// The optimizers the model trains with, by name ("optimizer", or "generator" and "discriminator").
    func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)]
    /// One optimisation step on a batch of images [batch, channels, height, width] in
    /// `pixelRange` and their class labels; returns the named losses of the step, averaged per
    /// image as the model reports them.
    func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float]
    /// Test metrics for a labelled batch, summed over its images (the caller averages over the test set).
    func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double]

    /// Tensors besides the weights that the model needs after training (the AE's latent
    /// Gaussian, say), saved in checkpoints.
    var extraState: [String: Tensor] { get }
    func load(extraState: [String: Tensor]) throws
    /// Called at the end of every epoch with the whole training set, batch by batch.
    func epochFinished(trainingSet: ImageBatches)
}

extension TrainableModel {
    public var namedParameters: [(name: String, parameter: Variable)] {
        layers.flatMap { $0.layer.namedParameters(prefix: $0.name) }
    }
    public var namedBuffers: [(name: String, buffer: Buffer)] { layers.flatMap { $0.layer.namedBuffers(prefix: $0.name) } }
    public func setTraining(_ training: Bool) { layers.forEach { $0.layer.setTraining(training) } }

    public var extraState: [String: Tensor] { [:] }
    public func load(extraState: [String: Tensor]) throws {}
    public func epochFinished(trainingSet: ImageBatches) {}
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
