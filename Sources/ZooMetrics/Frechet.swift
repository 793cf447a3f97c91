/// The Fréchet distance between two Gaussians fitted to feature sets, the formula of FID
/// (Heusel et al. 2017, as pytorch-fid computes it):
///
///     ‖μ₁ − μ₂‖² + Tr(Σ₁) + Tr(Σ₂) − 2 Tr((Σ₁Σ₂)^½)
///
/// in double precision throughout.
///
/// The trace of the square root. pytorch-fid takes `scipy.linalg.sqrtm(Σ₁Σ₂)` of the
/// non-symmetric product and its trace (the real part). Here, with S = Σ₁^½ the symmetric
/// square root (from Σ₁'s eigendecomposition, tiny negative eigenvalues of rounding set to
/// 0), Tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(S Σ₂ S). The two agree because Σ₁Σ₂ = S·(S Σ₂) and S Σ₂ S = (S Σ₂)·S
/// are products of the same two matrices in either order, which have the same eigenvalues; S Σ₂ S
/// is symmetric positive semi-definite, so those eigenvalues are real and ≥ 0, and the principal
/// square root sqrtm computes has eigenvalues √λᵢ, whose sum is its trace. The symmetric form
/// needs only LAPACK's symmetric eigensolver, never a complex Schur form, and stays accurate
/// when a covariance is singular (fewer rows than features, a constant feature), where sqrtm
/// of the product warns and pytorch-fid adds 1e-6 to the diagonals.
public enum Frechet {
    /// The Fréchet distance between the Gaussians fitted to two feature sets (≥ 2 rows each,
    /// the same feature dimension). For identical statistics it is 0 up to rounding, which can
    /// leave it a little below zero, as in pytorch-fid.
    public static func distance(_ a: FeatureMatrix, _ b: FeatureMatrix) throws -> Double {
        try FeatureMatrix.checkSameColumns(a, b, "the Fréchet distance")
        return try distance(GaussianStatistics(a), GaussianStatistics(b))
    }

    /// The Fréchet distance between two Gaussians given by their statistics.
    public static func distance(_ a: GaussianStatistics, _ b: GaussianStatistics) throws -> Double {
        guard a.dimension == b.dimension else {
            throw MetricError(.mismatchedColumns, "the Fréchet distance needs statistics of one dimension, got \(a.dimension) and \(b.dimension)")
        }
        let d = a.dimension
        var meanTerm = 0.0, traceA = 0.0, traceB = 0.0
        for i in 0..<d {
            let difference = a.mean[i] - b.mean[i]
            meanTerm += difference * difference
            traceA += a.covariance[i * d + i]
            traceB += b.covariance[i * d + i]
        }
        let rootA = try SymmetricEigen(a.covariance, order: d).reassembled { $0 > 0 ? $0.squareRoot() : 0 }
        // S Σ₂ S, symmetric in exact arithmetic; made exactly so, since the solver reads one triangle.
        var middle = SquareMatrix.multiply(SquareMatrix.multiply(rootA, b.covariance, order: d), rootA, order: d)
        SquareMatrix.symmetrize(&middle, order: d)
        let eigenvalues = try SymmetricEigen(middle, order: d, withVectors: false).values
        let traceRoot = eigenvalues.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
        return meanTerm + traceA + traceB - 2 * traceRoot
    }
}
