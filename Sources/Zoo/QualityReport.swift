/// The quality of a generative model's samples, and the floor beside it: the same metrics for
/// real training images, which no model can be expected to beat.
public struct QualityReport: Sendable {
    public let classifierPath: String
    /// The classifier file's MD5: scores are comparable only under the same one.
    public let classifierMD5: String
    public let samples: SampleQuality
    public let floor: SampleQuality
    /// How many test images the scores compare against.
    public let referenceImages: Int

    /// Draws `count` images from `model` with `seed` (in batches, so memory stays bounded) and
    /// scores them and `count` training images against `test`. A conditional model draws the
    /// classes in turn, and its samples' label accuracy is scored too.
    public init(of model: any GenerativeModel, pixelRange: PixelRange, count: Int, seed: UInt64,
                test: ImageSet, train: ImageSet, classifier: ReferenceClassifier) throws {
        var generator = RandomGenerator(seed: seed)
        var drawn = 0
        let batchSize = TrainingRun.evaluationBatchSize
        let intendedLabels = (model as? any ConditionalGenerativeModel)?.balancedLabels(count)
        let batches = AnyIterator<Tensor> {
            guard drawn < count else { return nil }
            let n = min(batchSize, count - drawn)
            defer { drawn += n }
            return model.sample(n, labels: intendedLabels.map { Array($0[drawn..<(drawn + n)]) }, generator: &generator)
        }
        try self.init(generated: classifier.describe(IteratorSequence(batches), range: pixelRange), intendedLabels: intendedLabels,
                      test: test, train: train.prefix(count), classifier: classifier, seed: seed)
    }

    /// Scores images described by `classifier` already (from a NumPy file or a folder, say).
    public init(generated: ImageDescription, intendedLabels: [Int]? = nil, test: ImageSet, train: ImageSet,
                classifier: ReferenceClassifier, seed: UInt64,
                cacheDirectory: String = ImageFolderCache.defaultDirectory) throws {
        let reference = try classifier.describe(test, cacheDirectory: cacheDirectory)
        let terms = ReferenceTerms.cached(for: reference, generatedRows: generated.count, seed: seed, in: cacheDirectory)
        samples = try SampleQuality(generated, against: reference, intendedLabels: intendedLabels, seed: seed, terms: terms)
        floor = try Self.floor(train.prefix(generated.count), classifier: classifier, against: reference, seed: seed,
                               terms: terms, cacheDirectory: cacheDirectory)
        classifierPath = classifier.path
        classifierMD5 = classifier.md5
        referenceImages = test.count
    }

    /// The floor's scores: real images against real images, so the same classifier, image sets
    /// and seed always give the same numbers, and they are cached with the descriptions: a
    /// cached floor is read without describing `real` at all.
    static func floor(_ real: ImageSet, classifier: ReferenceClassifier, against reference: ImageDescription, seed: UInt64,
                      terms: ReferenceTerms? = nil, cacheDirectory: String = ImageFolderCache.defaultDirectory) throws -> SampleQuality {
        let realKey = DescriptionCache.key(classifierMD5: classifier.md5, images: real, range: classifier.pixelRange)
        guard let key = floorKey(realKey, reference, seed: seed) else {
            return try SampleQuality(classifier.describe(real, cacheDirectory: cacheDirectory), against: reference, seed: seed, terms: terms)
        }
        return try ResultCache.cached("score", key, in: cacheDirectory) {
            try SampleQuality(classifier.describe(real, cacheDirectory: cacheDirectory), against: reference, seed: seed, terms: terms)
        }
    }

    /// The floor of a described real set (its description's key names its pixels).
    static func floor(_ real: ImageDescription, against reference: ImageDescription, seed: UInt64,
                      cacheDirectory: String = ImageFolderCache.defaultDirectory) throws -> SampleQuality {
        guard let realKey = real.cacheKey, let key = floorKey(realKey, reference, seed: seed) else {
            return try SampleQuality(real, against: reference, seed: seed)
        }
        return try ResultCache.cached("score", key, in: cacheDirectory) { try SampleQuality(real, against: reference, seed: seed) }
    }

    private static func floorKey(_ realKey: String, _ reference: ImageDescription, seed: UInt64) -> String? {
        reference.cacheKey.map { ResultCache.key("score", [realKey, $0, "seed \(seed)"]) }
    }
}
