import ZooTensor

/// A set of feature vectors, one per row: `rows` x `columns` float32 values in row-major order,
/// as a classifier's penultimate layer produces them for a batch of images. The initializers
/// check the shape and that every value is finite, so the metrics need not.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) throws {
        guard rows >= 0, columns > 0 else {
            throw MetricError(.invalidShape, "a feature matrix needs at least one column, got \(rows) x \(columns)")
        }
        guard values.count == rows * columns else {
            throw MetricError(.invalidShape, "\(values.count) values do not fill a \(rows) x \(columns) feature matrix")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw MetricError(.nonFinite, "feature \(bad % columns) of row \(bad / columns) is \(values[bad]); features must be finite")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The rows of a 2-D tensor ([rows, features]), e.g. a classifier's features for a batch.
    public init(_ tensor: Tensor) throws {
        guard tensor.rank == 2 else {
            throw MetricError(.invalidShape, "features must be a 2-D tensor [rows, features], got shape \(tensor.shape)")
        }
        try self.init(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.scalars)
    }

    /// The rows at `indices`, in that order, as a tensor [indices.count, columns] for a GEMM.
    func tensor(rows indices: some Collection<Int>) -> Tensor {
        tensor(count: indices.count, rowsFrom: indices, shift: nil)
    }

    /// The whole matrix as a tensor, each row minus `shift` when one is given (see
    /// PairwiseDistances on why the k-NN metrics center their features first).
    func tensor(shift: [Double]? = nil) -> Tensor {
        tensor(count: rows, rowsFrom: 0..<rows, shift: shift)
    }

    private func tensor(count: Int, rowsFrom indices: some Collection<Int>, shift: [Double]?) -> Tensor {
        let d = columns
        return Tensor(shape: [count, d], unsafeUninitialized: { out in
            values.withUnsafeBufferPointer { source in
                var target = out
                for row in indices {
                    let start = row * d
                    if let shift {
                        for j in 0..<d { target[j] = Float(Double(source[start + j]) - shift[j]) }
                    } else {
                        target.update(from: source.baseAddress! + start, count: d)
                    }
                    target += d
                }
            }
        })
    }

    /// The mean of the rows, in double precision.
    func columnMeans() -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { v in
            for i in 0..<rows {
                let row = v.baseAddress! + i * columns
                for j in 0..<columns { sums[j] += Double(row[j]) }
            }
        }
        return sums.map { $0 / Double(max(rows, 1)) }
    }

    /// A one-line error unless every dot product and squared distance of these features fits in
    /// float32, where the GEMM-based metrics compute them: |value| ≤ √(Float.max / 16d) keeps
    /// ‖a − b‖² ≤ 4d·(2·max)² finite even after centering. Only absurd features (beyond about
    /// 10¹⁸) fail; a classifier's are many orders of magnitude smaller.
    static func checkFloat32Products(_ a: FeatureMatrix, _ b: FeatureMatrix, _ metric: String) throws {
        let limit = (Float.greatestFiniteMagnitude / Float(16 * a.columns)).squareRoot()
        for set in [a, b] {
            let largest = set.values.reduce(Float(0)) { max($0, abs($1)) }
            guard largest <= limit else {
                throw MetricError(.nonFinite, "float32 products of features as large as \(largest) overflow: \(metric) takes values up to \(limit) with \(a.columns) features")
            }
        }
    }

    /// A one-line error unless both sets have the same feature dimension.
    static func checkSameColumns(_ a: FeatureMatrix, _ b: FeatureMatrix, _ metric: String) throws {
        guard a.columns == b.columns else {
            throw MetricError(.mismatchedColumns, "\(metric) needs features of one dimension, got \(a.columns) and \(b.columns)")
        }
    }
}
