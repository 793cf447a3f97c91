/// Float64 reference implementations written straight from the papers' definitions, with no
/// GEMM, no blocking and no centering: what the tests hold ZooMetrics to.
enum Naive {
    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// k(x, y) = (xᵀy / d + 1)³.
    static func cubicKernel(_ x: [Double], _ y: [Double]) -> Double {
        let t = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / Double(x.count) + 1
        return t * t * t
    }

    /// The unbiased MMD² of equal-size sets x and y: off-diagonal means of K_XX and K_YY minus
    /// twice the mean of K_XY.
    static func unbiasedMMD2(_ x: [[Double]], _ y: [[Double]]) -> Double {
        let m = Double(x.count)
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in x.indices {
            for j in x.indices where i != j {
                xx += cubicKernel(x[i], x[j])
                yy += cubicKernel(y[i], y[j])
            }
            for j in y.indices { xy += cubicKernel(x[i], y[j]) }
        }
        return xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2 * xy / (m * m)
    }

    /// For each point, the squared distance to its k-th nearest other point of the set.
    static func squaredRadii(_ set: [[Double]], k: Int) -> [Double] {
        set.indices.map { i in
            let others = set.indices.filter { $0 != i }.map { squaredDistance(set[i], set[$0]) }.sorted()
            return others[k - 1]
        }
    }

    /// The fraction of `points` within the k-NN ball of some point of `manifold`.
    static func coverage(of points: [[Double]], by manifold: [[Double]], k: Int) -> Double {
        let radii = squaredRadii(manifold, k: k)
        let inside = points.filter { p in
            manifold.indices.contains { squaredDistance(manifold[$0], p) <= radii[$0] }
        }
        return Double(inside.count) / Double(points.count)
    }
}
