import Foundation
import ZooMetrics

/// A set of images as the reference classifier sees them: its features (the penultimate
/// layer), their Gaussian statistics, and its class probabilities.
public struct ImageDescription: Sendable {
    public let features: FeatureMatrix
    public let statistics: GaussianStatistics
    /// Softmax of the logits, [count, classes] row-major.
    public let probabilities: [Float]
    public let classes: Int
    /// For a real image set described through the cache: its key there (scores between two
    /// such sets can be cached too). Nil for generated images.
    public var cacheKey: String?
    public var count: Int { features.rows }

    /// The most likely class of each image.
    public var predictions: [Int] {
        (0..<count).map { row in
            let p = probabilities[(row * classes)..<((row + 1) * classes)]
            return (p.indices.max { p[$0] < p[$1] } ?? 0) - row * classes
        }
    }
}

extension ReferenceClassifier {
    /// Describes images arriving in batches [n, channels, height, width] with pixels in
    /// `range` (converted to the classifier's own range).
    public func describe(_ batches: some Sequence<Tensor>, range: PixelRange) throws -> ImageDescription {
        classifier.setTraining(false)
        var features: [Float] = [], probabilities: [Float] = []
        var width = 0
        for images in batches {
            guard images.rank == 4 else { throw ZooError("images must be [n, channels, height, width], got \(images.shape)") }
            try requireShape(ImageShape(channels: images.shape[1], height: images.shape[2], width: images.shape[3]), of: "the images")
            let input = Self.convert(images, from: range, to: pixelRange)
            // The yardstick measures in fp32, whatever precision made the images (the batches
            // may be a model's samples, drawn lazily in its own precision).
            let (batchFeatures, logits) = ComputePrecision.using(.fp32) {
                let batchFeatures = classifier.features(of: input)
                return (batchFeatures, classifier.logits(fromFeatures: batchFeatures))
            }
            width = batchFeatures.shape[1]
            features += batchFeatures.scalars
            probabilities += Self.softmax(logits)
        }
        let matrix = try FeatureMatrix(rows: width == 0 ? 0 : features.count / width, columns: max(width, 1), values: features)
        return ImageDescription(features: matrix, statistics: try GaussianStatistics(matrix),
                                probabilities: probabilities, classes: classifier.classCount)
    }

    /// Describes every image of `images` (a test or training set), from the cache in
    /// `cacheDirectory` when this classifier has described these pixels before.
    public func describe(_ images: ImageSet, cacheDirectory: String = ImageFolderCache.defaultDirectory) throws -> ImageDescription {
        let key = DescriptionCache.key(classifierMD5: md5, images: images, range: pixelRange)
        if var cached = DescriptionCache.read(key, in: cacheDirectory, classes: classifier.classCount) {
            cached.cacheKey = key
            return cached
        }
        var description = try describe(images.batches(size: TrainingRun.evaluationBatchSize, range: pixelRange), range: pixelRange)
        DescriptionCache.write(description, key: key, in: cacheDirectory)
        description.cacheKey = key
        return description
    }

    static func convert(_ images: Tensor, from source: PixelRange, to target: PixelRange) -> Tensor {
        switch (source, target) {
        case (.unit, .symmetric): images.affine(scale: 2, offset: -1)
        case (.symmetric, .unit): images.affine(scale: 0.5, offset: 0.5)
        default: images
        }
    }

    /// Row-wise softmax of logits [n, classes], through each row's maximum.
    static func softmax(_ logits: Tensor) -> [Float] {
        let classes = logits.shape[1], values = logits.scalars
        var out = [Float](repeating: 0, count: values.count)
        for row in 0..<(values.count / classes) {
            let range = (row * classes)..<((row + 1) * classes)
            let largest = values[range].max() ?? 0
            var total = 0.0
            for i in range { total += exp(Double(values[i] - largest)) }
            for i in range { out[i] = Float(exp(Double(values[i] - largest)) / total) }
        }
        return out
    }
}

/// How close a set of generated images is to the real ones, in the reference classifier's
/// feature space: Fréchet distance (FID's formula), kernel distance (KID), precision and
/// recall (k = 3), and the classifier score (the Inception score's formula).
public struct SampleQuality: Sendable, Equatable, Codable {
    public var fid: Double
    public var kid: Double, kidStd: Double
    public var precision: Double, recall: Double
    public var classifierScore: Double, classifierScoreStd: Double
    /// For conditional samples: the share the classifier assigns to the class asked for.
    public var labelAccuracy: Double?
    public var images: Int

    /// Precision and recall's k, the paper's.
    static let neighbours = 3

    /// Scores `generated` against `reference`; `intendedLabels`, one per generated image, adds
    /// the label accuracy of conditional samples. `seed` draws KID's subsets. `terms`, the
    /// reference's own share of the work for this many generated images and this seed, saves
    /// recomputing it (the scores are the same).
    public init(_ generated: ImageDescription, against reference: ImageDescription, intendedLabels: [Int]? = nil, seed: UInt64 = 0,
                terms: ReferenceTerms? = nil) throws {
        fid = try Frechet.distance(generated.statistics, reference.statistics)
        (kid, kidStd) = try KernelDistance.compute(real: reference.features, generated: generated.features, seed: seed,
                                                   realTerms: terms?.kernelTerms)
        (precision, recall) = try PrecisionRecall.compute(real: reference.features, generated: generated.features,
                                                          k: Self.neighbours, realRadii: terms?.radii)
        (classifierScore, classifierScoreStd) = try ClassifierScore.compute(probabilities: generated.probabilities, classes: generated.classes,
                                                                          splits: min(10, generated.count))
        if let intendedLabels {
            precondition(intendedLabels.count == generated.count, "one intended label per generated image")
            labelAccuracy = Double(zip(generated.predictions, intendedLabels).filter { $0 == $1 }.count) / Double(max(generated.count, 1))
        }
        images = generated.count
    }

    /// Every score by its name in reports and JSON.
    public var metrics: [String: Double] {
        var all = ["fid": fid, "kid": kid, "kid_std": kidStd, "precision": precision, "recall": recall,
                   "classifier_score": classifierScore, "classifier_score_std": classifierScoreStd]
        if let labelAccuracy { all["label_accuracy"] = labelAccuracy }
        return all
    }
}
