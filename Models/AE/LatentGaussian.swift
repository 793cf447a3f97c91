import Zoo

/// A multivariate normal N(mean, covariance) fitted to latent codes, sampled through the
/// Cholesky factor of its covariance.
struct LatentGaussian {
    var mean: Tensor        // [d]
    var covariance: Tensor  // [d, d]

    /// The standard normal, until a fit replaces it.
    init(dimension d: Int) {
        mean = .zeros([d])
        covariance = Tensor(shape: [d, d]) { out in
            for i in 0..<(d * d) { out[i] = i % (d + 1) == 0 ? 1 : 0 }
        }
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
    }

    init(state: [String: Tensor], dimension d: Int) throws {
        guard let mean = state["latent_mean"], mean.shape == [d],
              let covariance = state["latent_covariance"], covariance.shape == [d, d] else {
            throw ZooError("ae: missing or misshapen latent_mean [\(d)] / latent_covariance [\(d), \(d)]")
        }
        self.mean = mean
        self.covariance = covariance
    }

    var state: [String: Tensor] { ["latent_mean": mean, "latent_covariance": covariance] }

    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        let d = mean.count
        let factor = choleskyFactor()
        let noise = generator.normal([count, d])
        // z = mean + L·ε for each row: rows of ε times Lᵀ.
        return GEMM.product(noise, factor, transposeB: true) + mean
    }

    /// Lower-triangular L with L·Lᵀ = covariance (a tiny ridge keeps it defined when degenerate).
    func choleskyFactor() -> Tensor {
        let d = mean.count
        let c = covariance.scalars.map(Double.init)
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = c[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = i == j ? (max(s, 0) + 1e-9).squareRoot() : s / l[j * d + j]
            }
        }
        return Tensor(shape: [d, d], l.map(Float.init))
    }
}
