import ZooMetrics
import ZooTensor

/// What scoring any set of images against a reference set (the test set) computes from the
/// reference alone: its points' k-NN radii (precision and recall) and its KID subsets' own
/// kernel sums. A third of KID's and of precision and recall's work, the same for every model
/// scored against the same test set, so it is kept in the cache beside the reference's
/// description.
public struct ReferenceTerms: Codable, Sendable, Equatable {
    public var radii: [Float]
    public var kernelTerms: [Double]

    /// The terms of `reference` for scoring `generatedRows` images with `seed`.
    public init(_ reference: ImageDescription, generatedRows: Int, seed: UInt64) throws {
        radii = try PrecisionRecall.realRadii(reference.features, k: SampleQuality.neighbours)
        kernelTerms = try KernelDistance.realTerms(real: reference.features, generatedRows: generatedRows, seed: seed)
    }

    /// The terms from the cache in `directory`, computed and kept there on the first call;
    /// nil for a reference without a cache key, or one too small to score against (`SampleQuality`
    /// then reports why). The thread count is part of the key: the sums' bits depend on it.
    static func cached(for reference: ImageDescription, generatedRows: Int, seed: UInt64,
                       in directory: String = ImageFolderCache.defaultDirectory) -> ReferenceTerms? {
        guard let referenceKey = reference.cacheKey else { return nil }
        let key = ResultCache.key("terms", [referenceKey, "\(generatedRows) generated", "seed \(seed)", "\(ComputeThreads.count) threads"])
        return try? ResultCache.cached("terms", key, in: directory) { try ReferenceTerms(reference, generatedRows: generatedRows, seed: seed) }
    }
}
