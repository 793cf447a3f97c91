/// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union
/// of balls around its points, each ball reaching the point's k-th nearest neighbour in its own
/// set (itself excluded). Precision is the fraction of generated points inside the real
/// manifold (how many samples look real); recall the fraction of real points inside the
/// generated manifold (how much of the real data the samples cover). A point on a ball's
/// surface is inside (≤), as in the reference code.
///
/// Cost: three distance matrices (real-real, generated-generated, real-generated; the last
/// serves both directions), each through GEMMs in blocks (see PairwiseDistances for the
/// precision of the float32 distances).
public enum PrecisionRecall {
    /// Precision and recall with k = 3 by default, the paper's choice. Each set needs more
    /// than k rows.
    /// `realRadii` (from `realRadii(_:k:)` of the same real set and k) skips the real set's
    /// own distances, a third of the work; the result is the same.
    public static func compute(real: FeatureMatrix, generated: FeatureMatrix, k: Int = 3,
                               realRadii: [Float]? = nil) throws -> (precision: Double, recall: Double) {
        try compute(real: real, generated: generated, k: k, blockRows: nil, realRadii: realRadii)
    }

    /// The squared radius of each real point's ball (its k-th nearest real neighbour): what
    /// `compute` derives from the real set alone, so a reference set's can be kept and reused.
    public static func realRadii(_ real: FeatureMatrix, k: Int = 3) throws -> [Float] {
        try check(real, real, k: k)
        return radii(real, k: k, blockRows: nil)
    }

    private static func check(_ real: FeatureMatrix, _ generated: FeatureMatrix, k: Int) throws {
        try FeatureMatrix.checkSameColumns(real, generated, "precision and recall")
        try FeatureMatrix.checkFloat32Products(real, generated, "precision and recall")
        guard k >= 1 else {
            throw MetricError(.invalidArgument, "precision and recall need k >= 1 nearest neighbours, got \(k)")
        }
        guard real.rows > k, generated.rows > k else {
            throw MetricError(.tooFewRows, "precision and recall with k = \(k) need more than \(k) rows in each set, got \(real.rows) real and \(generated.rows) generated")
        }
    }

    private static func radii(_ set: FeatureMatrix, k: Int, blockRows: Int?) -> [Float] {
        NearestNeighbours.squaredRadii(PairwiseDistances(within: set, shift: set.columnMeans(), blockRows: blockRows), k: k)
    }

    /// `blockRows` forces the distance blocks' height (tests check that blocking changes nothing).
    static func compute(real: FeatureMatrix, generated: FeatureMatrix, k: Int, blockRows: Int?,
                        realRadii given: [Float]? = nil) throws -> (precision: Double, recall: Double) {
        try check(real, generated, k: k)
        if let given, given.count != real.rows {
            throw MetricError(.invalidArgument, "precision and recall were given \(given.count) radii for \(real.rows) real rows")
        }
        let realMean = real.columnMeans(), generatedMean = generated.columnMeans()
        let realRadii = given ?? radii(real, k: k, blockRows: blockRows)
        let generatedRadii = radii(generated, k: k, blockRows: blockRows)
        // Between the sets, centered on the midpoint of their means.
        let midpoint = zip(realMean, generatedMean).map { ($0 + $1) / 2 }
        let cross = PairwiseDistances(rows: real, columns: generated, shift: midpoint, blockRows: blockRows)

        var generatedInReal = [UInt8](repeating: 0, count: generated.rows)
        var realInGenerated = [UInt8](repeating: 0, count: real.rows)
        let m = generated.rows
        generatedInReal.withUnsafeMutableBufferPointer { generatedInReal in
            realInGenerated.withUnsafeMutableBufferPointer { realInGenerated in
                realRadii.withUnsafeBufferPointer { realRadii in
                    generatedRadii.withUnsafeBufferPointer { generatedRadii in
                        cross.forEachBlock { first, distances in
                            let rows = distances.count / m
                            // Two passes, each split where its results live: by generated
                            // point (columns) for precision, by real point (rows) for recall,
                            // so no two threads write the same flag.
                            ParallelLoop.forEachSlice(of: m, itemCost: rows) { columns in
                                for i in 0..<rows {
                                    let line = distances.baseAddress! + i * m
                                    let radius = realRadii[first + i]
                                    for j in columns { generatedInReal[j] |= line[j] <= radius ? 1 : 0 }
                                }
                            }
                            ParallelLoop.forEachSlice(of: rows, itemCost: m) { slice in
                                for i in slice {
                                    let line = distances.baseAddress! + i * m
                                    var inside: UInt8 = 0
                                    for j in 0..<m { inside |= line[j] <= generatedRadii[j] ? 1 : 0 }
                                    realInGenerated[first + i] = inside
                                }
                            }
                        }
                    }
                }
            }
        }
        let precision = Double(generatedInReal.reduce(0) { $0 + Int($1) }) / Double(generated.rows)
        let recall = Double(realInGenerated.reduce(0) { $0 + Int($1) }) / Double(real.rows)
        return (precision, recall)
    }
}
