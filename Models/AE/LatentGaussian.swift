import Zoo

/// A multivariate normal N(mean, covariance) fitted to latent codes, sampled through the
/// Cholesky factor of its covariance (factored once, when the covariance is set).
struct LatentGaussian {
    let mean: Tensor        // [d]
    let covariance: Tensor  // [d, d]
    /// Lower-triangular L with L·Lᵀ = covariance.
    let factor: Tensor

    /// The standard normal, until a fit replaces it.
    init(dimension d: Int) {
        mean = .zeros([d])
        covariance = Tensor(shape: [d, d]) { out in
            for i in 0..<(d * d) { out[i] = i % (d + 1) == 0 ? 1 : 0 }
        }
        factor = covariance
    }

    /// The maximum-likelihood fit to the rows of `batches`, accumulated in double precision.
    init(fitting batches: [Tensor], dimension d: Int) {
        var sum = [Double](repeating: 0, count: d), outer = [Double](repeating: 0, count: d * d)
        var n = 0.0
        for batch in batches {
            let rows = batch.scalars
            for r in 0..<batch.shape[0] {
                let z = rows[(r * d)..<((r + 1) * d)].map(Double.init)
                for i in 0..<d {
                    sum[i] += z[i]
                    for j in 0..<d { outer[i * d + j] += z[i] * z[j] }
                }
                n += 1
            }
        }
        let mu = sum.map { $0 / max(n, 1) }
        mean = Tensor(shape: [d], mu.map(Float.init))
        covariance = Tensor(shape: [d, d], (0..<(d * d)).map { k in Float(outer[k] / max(n, 1) - mu[k / d] * mu[k % d]) })
        // A fit is a covariance up to rounding, which the factoring clamps.
        factor = Self.choleskyFactor(covariance, tolerance: .infinity)!
    }

    init(state: [String: Tensor], dimension d: Int) throws {
        guard let mean = state["latent_mean"], mean.shape == [d],
              let covariance = state["latent_covariance"], covariance.shape == [d, d] else {
            throw ZooError("ae: missing or misshapen latent_mean [\(d)] / latent_covariance [\(d), \(d)]")
        }
        // What a fit gives: symmetric and positive semi-definite (a crafted file may hold anything).
        guard Self.isSymmetric(covariance), let factor = Self.choleskyFactor(covariance) else {
            throw ZooError("ae: latent_covariance is not a covariance matrix (symmetric and positive semi-definite)")
        }
        self.mean = mean
        self.covariance = covariance
        self.factor = factor
    }

    var state: [String: Tensor] { ["latent_mean": mean, "latent_covariance": covariance] }

    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        let noise = generator.normal([count, mean.count])
        // z = mean + L·ε for each row: rows of ε times Lᵀ.
        return GEMM.product(noise, factor, transposeB: true) + mean
    }

    static func isSymmetric(_ c: Tensor) -> Bool {
        let d = c.shape[0], v = c.scalars
        for i in 0..<d { for j in 0..<i where v[i * d + j] != v[j * d + i] { return false } }
        return true
    }

    /// Lower-triangular L with L·Lᵀ = c (a tiny ridge keeps it defined when degenerate); nil
    /// when c is not positive semi-definite: a pivot below -tolerance × its largest variance is
    /// a negative direction, not the rounding of Float entries.
    static func choleskyFactor(_ covariance: Tensor, tolerance: Double = 1e-3) -> Tensor? {
        let d = covariance.shape[0]
        let c = covariance.scalars.map(Double.init)
        let scale = max((0..<d).map { c[$0 * d + $0] }.max() ?? 0, .leastNormalMagnitude)
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = c[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard s >= -tolerance * scale else { return nil }
                    l[i * d + j] = (max(s, 0) + 1e-9).squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        return Tensor(shape: [d, d], l.map(Float.init))
    }
}
