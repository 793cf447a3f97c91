/// The mean and covariance of a set of features, in double precision: all that the Fréchet
/// distance needs from one side. Computing them once for a test set and keeping them saves
/// the pass over its features at every evaluation.
public struct GaussianStatistics: Sendable, Equatable {
    public let dimension: Int
    public let mean: [Double]
    /// dimension x dimension, row-major, symmetric; the unbiased estimate (divided by rows - 1,
    /// as numpy.cov and pytorch-fid).
    public let covariance: [Double]

    /// The sample mean and unbiased covariance of the rows of `features` (at least 2 rows).
    public init(_ features: FeatureMatrix) throws {
        let n = features.rows, d = features.columns
        guard n >= 2 else {
            throw MetricError(.tooFewRows, "a covariance needs at least 2 feature rows, got \(n)")
        }
        let mean = features.columnMeans()
        // Σ (x - μ)(x - μ)ᵀ over the rows, upper triangle, in double precision. Centering each
        // row first, rather than taking Σ xxᵀ - n μμᵀ, avoids cancelling two large sums.
        var sums = [Double](repeating: 0, count: d * d)
        var centered = [Double](repeating: 0, count: d)
        features.values.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                centered.withUnsafeMutableBufferPointer { c in
                    for row in 0..<n {
                        let x = values.baseAddress! + row * d
                        for j in 0..<d { c[j] = Double(x[j]) - mean[j] }
                        for i in 0..<d {
                            let ci = c[i]
                            let line = sums.baseAddress! + i * d
                            for j in i..<d { line[j] += ci * c[j] }
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(n - 1)
        for i in 0..<d {
            for j in i..<d {
                let value = sums[i * d + j] * scale
                sums[i * d + j] = value
                sums[j * d + i] = value
            }
        }
        self.dimension = d
        self.mean = mean
        self.covariance = sums
    }

    /// Statistics given directly (a published test-set mean and covariance, or exact population
    /// parameters). The covariance must be symmetric (up to 1e-9 of its largest entry; it is
    /// then made exactly symmetric) and positive semi-definite (no eigenvalue below -1e-9 of
    /// the largest): anything else is not a covariance, and the square root would hide it.
    public init(mean: [Double], covariance: [Double]) throws {
        let d = mean.count
        guard d > 0, covariance.count == d * d else {
            throw MetricError(.invalidShape, "a mean of \(d) values needs a \(d) x \(d) covariance (\(d * d) values), got \(covariance.count)")
        }
        guard mean.allSatisfy(\.isFinite), covariance.allSatisfy(\.isFinite) else {
            throw MetricError(.nonFinite, "the mean or covariance has a NaN or an infinity")
        }
        let largest = covariance.map(abs).max() ?? 0
        var symmetric = covariance
        for i in 0..<d {
            for j in (i + 1)..<d {
                let upper = covariance[i * d + j], lower = covariance[j * d + i]
                guard abs(upper - lower) <= 1e-9 * largest else {
                    throw MetricError(.invalidShape, "the covariance is not symmetric: entry (\(i), \(j)) is \(upper) but (\(j), \(i)) is \(lower)")
                }
                symmetric[i * d + j] = (upper + lower) / 2
                symmetric[j * d + i] = (upper + lower) / 2
            }
        }
        let eigenvalues = try SymmetricEigen(symmetric, order: d, withVectors: false).values
        let smallest = eigenvalues.first ?? 0, biggest = eigenvalues.last ?? 0
        guard smallest >= -1e-9 * max(biggest, 0) - Double.leastNormalMagnitude else {
            throw MetricError(.notPositiveSemidefinite, "the covariance has the eigenvalue \(smallest) (largest \(biggest)); a covariance has none below zero")
        }
        self.dimension = d
        self.mean = mean
        self.covariance = symmetric
    }
}
