import ZooTensor

/// The kernel distance (KID, Bińkowski et al. 2018): the unbiased estimate of the squared
/// maximum mean discrepancy between two feature sets under the cubic polynomial kernel
/// k(x, y) = (xᵀy / d + 1)³, averaged over random subsets of equal size.
///
/// The estimator is the reference implementations' (the paper's `polynomial_mmd`,
/// torch-fidelity's `mmd2` with `unbiased`): for subsets X and Y of m rows each,
///
///     Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m²
///
/// and the reported spread is the standard deviation over subsets with ddof 0 (numpy.std, as
/// torch-fidelity reports `kernel_inception_distance_std`).
///
/// Precision: the Gram matrices XXᵀ, YYᵀ, XYᵀ come from float32 GEMMs (oneDNN), then the kernel
/// and every sum are in double precision. A float32 dot product of d terms is off by about
/// √d·2⁻²⁴ of |x||y|, and those errors are independent across the m² entries, so they shrink
/// in the means: the tests hold the result to 1e-6 of a float64 evaluation.
public enum KernelDistance {
    /// KID mean and standard deviation over `subsets` subsets of `subsetSize` rows (capped at
    /// the smaller set) drawn without replacement from each set with `seed`: the same seed,
    /// features and thread count give the same bits.
    ///
    /// `realTerms` (from `realTerms(real:generatedRows:...)` with the same sets' sizes and
    /// arguments) skips the real subsets' own kernel sums, a third of the work; the result is
    /// the same bits.
    public static func compute(real: FeatureMatrix, generated: FeatureMatrix, subsets: Int = 100,
                               subsetSize: Int = 1000, seed: UInt64 = 0, realTerms: [Double]? = nil) throws -> (mean: Double, std: Double) {
        try FeatureMatrix.checkSameColumns(real, generated, "the kernel distance")
        try FeatureMatrix.checkFloat32Products(real, generated, "the kernel distance")
        try check(realRows: real.rows, generatedRows: generated.rows, subsets: subsets, subsetSize: subsetSize)
        if let realTerms, realTerms.count != subsets {
            throw MetricError(.invalidArgument, "the kernel distance was given \(realTerms.count) real terms for \(subsets) subsets")
        }
        var sampler = SubsetSampler(realRows: real.rows, generatedRows: generated.rows,
                                    size: min(subsetSize, real.rows, generated.rows), seed: seed)
        var estimates: [Double] = []
        for subset in 0..<subsets {
            let (x, y) = sampler.next()
            estimates.append(unbiasedMMD2(real.tensor(rows: x), generated.tensor(rows: y), realTerm: realTerms?[subset]))
        }
        let mean = estimates.reduce(0, +) / Double(subsets)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)
        return (mean, variance.squareRoot())
    }

    /// The real subsets' own terms, Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)), of a `compute` against
    /// `generatedRows` generated rows with these arguments: they depend on the real set alone,
    /// so a reference set's can be kept and reused for every model scored against it.
    public static func realTerms(real: FeatureMatrix, generatedRows: Int, subsets: Int = 100,
                                 subsetSize: Int = 1000, seed: UInt64 = 0) throws -> [Double] {
        try FeatureMatrix.checkFloat32Products(real, real, "the kernel distance")
        try check(realRows: real.rows, generatedRows: generatedRows, subsets: subsets, subsetSize: subsetSize)
        var sampler = SubsetSampler(realRows: real.rows, generatedRows: generatedRows,
                                    size: min(subsetSize, real.rows, generatedRows), seed: seed)
        return (0..<subsets).map { _ in realTerm(real.tensor(rows: sampler.next().real)) }
    }

    private static func check(realRows: Int, generatedRows: Int, subsets: Int, subsetSize: Int) throws {
        guard subsets >= 1 else {
            throw MetricError(.invalidArgument, "the kernel distance needs at least 1 subset, got \(subsets)")
        }
        guard subsetSize >= 2 else {
            throw MetricError(.invalidArgument, "the kernel distance needs subsets of at least 2 rows, got \(subsetSize)")
        }
        guard realRows >= 2, generatedRows >= 2 else {
            throw MetricError(.tooFewRows, "the kernel distance needs at least 2 rows in each set, got \(realRows) real and \(generatedRows) generated")
        }
    }

    /// The subsets `compute` uses, in order: for each, the real rows, then the generated rows.
    /// Both sets keep one index array that a partial Fisher–Yates shuffle reorders in place;
    /// its first `size` entries after each shuffle are a uniformly random subset, whatever the
    /// order the earlier subsets left behind.
    struct SubsetSampler {
        private var realOrder: [Int], generatedOrder: [Int]
        private let size: Int
        private var generator: RandomGenerator

        init(realRows: Int, generatedRows: Int, size: Int, seed: UInt64) {
            realOrder = Array(0..<realRows)
            generatedOrder = Array(0..<generatedRows)
            self.size = size
            generator = RandomGenerator(seed: seed)
        }

        mutating func next() -> (real: ArraySlice<Int>, generated: ArraySlice<Int>) {
            Self.shuffle(&realOrder, first: size, with: &generator)
            Self.shuffle(&generatedOrder, first: size, with: &generator)
            return (realOrder[..<size], generatedOrder[..<size])
        }

        private static func shuffle(_ order: inout [Int], first count: Int, with generator: inout RandomGenerator) {
            for i in 0..<count {
                order.swapAt(i, i + generator.integer(below: order.count - i))
            }
        }
    }

    /// The unbiased MMD² estimate between the rows of x and y ([m, d] each); `realTerm` is x's
    /// own term where it is known already.
    static func unbiasedMMD2(_ x: Tensor, _ y: Tensor, realTerm: Double? = nil) -> Double {
        let m = x.shape[0]
        let xx = realTerm ?? Self.realTerm(x), yy = Self.realTerm(y)
        let xy = cubicKernelSums(GEMM.product(x, y, transposeB: true), scale: 1 / Double(x.shape[1]))
        return xx + yy - 2 * xy.all / (Double(m) * Double(m))
    }

    /// Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) over the rows of x [m, d].
    static func realTerm(_ x: Tensor) -> Double {
        let m = x.shape[0]
        let xx = cubicKernelSums(GEMM.product(x, x, transposeB: true), scale: 1 / Double(x.shape[1]))
        return (xx.all - xx.diagonal) / (Double(m) * Double(m - 1))
    }

    /// Σ (g·scale + 1)³ over all entries of the square Gram matrix g, and over its diagonal.
    /// Rows are summed in parallel, each into its own slot, and the row sums added in order,
    /// so the result does not depend on how the rows were split.
    static func cubicKernelSums(_ gram: Tensor, scale: Double) -> (all: Double, diagonal: Double) {
        let m = gram.shape[0]
        var rowSums = [Double](repeating: 0, count: m)
        gram.withUnsafeBufferPointer { g in
            rowSums.withUnsafeMutableBufferPointer { rowSums in
                ParallelLoop.forEachSlice(of: m, itemCost: m) { slice in
                    for i in slice {
                        rowSums[i] = cubicKernelSum(UnsafeBufferPointer(rebasing: g[(i * m)..<((i + 1) * m)]), scale: scale)
                    }
                }
            }
        }
        return gram.withUnsafeBufferPointer { g in
            var diagonal = 0.0
            for i in 0..<m {
                let t = Double(g[i * m + i]) * scale + 1
                diagonal += t * t * t
            }
            return (rowSums.reduce(0, +), diagonal)
        }
    }

    /// Σ (v·scale + 1)³ over one row, in four interleaved partial sums so the additions
    /// overlap (a single running sum would wait on each addition).
    @inline(__always)
    private static func cubicKernelSum(_ row: UnsafeBufferPointer<Float>, scale: Double) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        let n = row.count, base = row.baseAddress!
        var j = 0
        while j + 4 <= n {
            let t0 = Double(base[j]) * scale + 1, t1 = Double(base[j + 1]) * scale + 1
            let t2 = Double(base[j + 2]) * scale + 1, t3 = Double(base[j + 3]) * scale + 1
            s0 += t0 * t0 * t0
            s1 += t1 * t1 * t1
            s2 += t2 * t2 * t2
            s3 += t3 * t3 * t3
            j += 4
        }
        while j < n {
            let t = Double(base[j]) * scale + 1
            s0 += t * t * t
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}
