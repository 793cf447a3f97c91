/// How a classifier's predictions on labelled images fall: `counts[true][predicted]`.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classNames: [String]
    public let counts: [[Int]]

    /// The predictions of `classifier` (in evaluation mode) for every image of `images`.
    public init(_ classifier: any ImageClassifier, on images: ImageSet, pixelRange: PixelRange) {
        classifier.setTraining(false)
        let classes = images.classNames.count
        var counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        let batches = images.batches(size: TrainingRun.evaluationBatchSize, range: pixelRange)
        for index in 0..<batches.count {
            for (label, predicted) in zip(batches.labels(index), classifier.predict(batches.batch(index))) where predicted < classes {
                counts[label][predicted] += 1
            }
        }
        self.classNames = images.classNames
        self.counts = counts
    }

    public var total: Int { counts.joined().reduce(0, +) }
    /// The share of images predicted as their own class.
    public var accuracy: Double { Double(counts.indices.map { counts[$0][$0] }.reduce(0, +)) / Double(max(total, 1)) }
}
