import Zoo

/// A LeNet-style classifier of images, the zoo's yardstick: its penultimate layer gives the
/// features the quality metrics (FID, KID, precision and recall) compare, as TF-GAN's
/// "Fréchet LeNet distance" does for MNIST where no Inception network fits the data.
///
/// Two blocks of 5×5 convolution (padding 2), batch normalization, ReLU and 2×2 max pooling,
/// then a fully connected layer with ReLU: `features`. Dropout and a last linear layer give
/// the class logits: `classifier` (torchvision's names). Trained on cross-entropy.
public final class LeNetClassifier: ImageClassifier {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        /// Output channels of the two convolutions.
        public var channels = [32, 64]
        /// Width of the feature layer.
        public var features = 128
        public var dropout: Float = 0.5
    }

    public static let name = "classifier"
    public static let summary = "LeNet-style classifier (2 conv + BN + pool, 2 linear): the features behind FID, KID, precision/recall"
    public static let featureDescription = "the ReLU of the 128-wide linear layer (features.9 and .10): what the last linear layer reads"
    public static let defaultHyperparameters = Hyperparameters()
    public static let defaultTraining = TrainingSettings(epochs: 12, batchSize: 64, learningRate: 1e-3)
    public static let pixelRange = PixelRange.unit

    public let hyperparameters: Hyperparameters
    public let classCount: Int
    /// images [n, c, h, w] → features [n, features].
    let features: Sequential
    /// features → class logits [n, classCount].
    let classifier: Sequential

    public init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard classCount >= 2 else {
            throw ZooError("classifier: the data has \(classCount) class; a classifier needs at least 2 (one subfolder per class)")
        }
        guard h.channels.count == 2, h.channels.allSatisfy({ (1...1024).contains($0) }) else {
            throw ZooError("classifier: channels must be two counts between 1 and 1024, got \(h.channels)")
        }
        guard (1...Sequential.maximumParameters).contains(h.features), (0..<1).contains(h.dropout) else {
            throw ZooError("classifier: features must be positive and dropout in [0, 1), got \(h.features) and \(h.dropout)")
        }
        guard imageShape.height >= 4, imageShape.width >= 4 else {
            throw ZooError("classifier: images must be at least 4x4 pixels (two 2x2 poolings), got \(imageShape)")
        }
        hyperparameters = h
        self.classCount = classCount
        let (c1, c2) = (h.channels[0], h.channels[1])
        let pooled = c2 * (imageShape.height / 4) * (imageShape.width / 4)
        guard pooled <= Sequential.maximumParameters / h.features else {
            throw ZooError("classifier: \(imageShape) images make \(pooled) features before the linear layer; too many for \(h.features) outputs")
        }
        features = Sequential(
            Conv2d(imageShape.channels, c1, kernelSize: 5, padding: 2, generator: &generator), BatchNorm2d(c1), Activation.relu, MaxPool2d(2),
            Conv2d(c1, c2, kernelSize: 5, padding: 2, generator: &generator), BatchNorm2d(c2), Activation.relu, MaxPool2d(2),
            Flatten(), Linear(pooled, h.features, generator: &generator), Activation.relu)
        classifier = Sequential(Dropout(h.dropout), Linear(h.features, classCount, generator: &generator))
    }

    public var layers: [(name: String, layer: any Layer)] { [("features", features), ("classifier", classifier)] }

    public func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    public func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let logits = classifier(features(Variable(images)), generator: &generator)
        let loss = crossEntropy(logits: logits, labels: labels)
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["loss": loss.value.scalar, "accuracy": Float(Self.correct(logits.value, labels)) / Float(labels.count)]
    }

    public func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let logits = classifier(features(Variable(images)))
        let loss = crossEntropy(logits: logits, labels: labels, reduction: .sum).value.scalar
        return ["loss": Double(loss), "accuracy": Double(Self.correct(logits.value, labels))]
    }

    public func features(of images: Tensor) -> Tensor { features(Variable(images)).value }
    public func logits(fromFeatures features: Tensor) -> Tensor { classifier(Variable(features)).value }

    /// How many rows have their largest logit at their label.
    static func correct(_ logits: Tensor, _ labels: [Int]) -> Int {
        let classes = logits.shape[1]
        return logits.withUnsafeBufferPointer { p in
            labels.indices.filter { row in
                let scores = p[(row * classes)..<((row + 1) * classes)]
                return scores.indices.max { scores[$0] < scores[$1] } == row * classes + labels[row]
            }.count
        }
    }
}
