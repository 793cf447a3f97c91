/// Float64 reference implementations written straight from the papers' definitions, with no
/// GEMM, no blocking and no centering: what the tests hold ZooMetrics to.
enum Naive {
    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
}
