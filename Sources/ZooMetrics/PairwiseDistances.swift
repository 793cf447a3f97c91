import ZooTensor

/// Squared Euclidean distances between every row of one feature set and every row of another,
/// produced a block of rows at a time: ‖a‖² + ‖b‖² − 2 aᵀb with the products aᵀb from a float32
/// GEMM (oneDNN). A block is `blockRows` x (rows of the other set), about 16 MB, so two sets of
/// 10,000 never need the 400 MB of their whole distance matrix.
///
/// Precision. The identity cancels: for two points near each other and far from the origin,
/// ‖a‖² + ‖b‖² and 2aᵀb are large and nearly equal, and float32 keeps about 2⁻²⁴ of them.
/// Distances do not change when both sets move by the same vector, so the caller passes a
/// `shift` (the mean of the points involved) that is subtracted, in double precision, before
/// anything is rounded to float32: the norms are then the spread of the data, not its offset,
/// and the error of a squared distance is about 2⁻²⁴·(‖a‖² + ‖b‖²) about that center. Results
/// below zero (rounding) are clamped to 0. The k-NN metrics compare squared distances with
/// squared radii computed the same way, as Kynkäänniemi et al.'s reference code does; the tests
/// check the outcome against a float64 evaluation.
struct PairwiseDistances {
    private let rows: Tensor, columns: Tensor
    private let rowNorms: [Float], columnNorms: [Float]
    let rowCount: Int, columnCount: Int
    let blockRows: Int

    /// Distances from the rows of `rows` to the rows of `columns` (the same feature dimension),
    /// both moved by -`shift`. `blockRows` overrides the block height (tests use small ones).
    init(rows: FeatureMatrix, columns: FeatureMatrix, shift: [Double], blockRows: Int? = nil) {
        let rowTensor = rows.tensor(shift: shift), columnTensor = columns.tensor(shift: shift)
        self.init(rows: rowTensor, columns: columnTensor, rowNorms: Self.squaredNorms(rowTensor),
                  columnNorms: Self.squaredNorms(columnTensor), blockRows: blockRows)
    }

    /// Distances between the rows of one set, moved by -`shift`: its values and norms are
    /// shared by both sides, so the diagonal comes out of the same numbers.
    init(within set: FeatureMatrix, shift: [Double], blockRows: Int? = nil) {
        let tensor = set.tensor(shift: shift)
        let norms = Self.squaredNorms(tensor)
        self.init(rows: tensor, columns: tensor, rowNorms: norms, columnNorms: norms, blockRows: blockRows)
    }

    private init(rows: Tensor, columns: Tensor, rowNorms: [Float], columnNorms: [Float], blockRows: Int?) {
        self.rows = rows
        self.columns = columns
        self.rowNorms = rowNorms
        self.columnNorms = columnNorms
        rowCount = rows.shape[0]
        columnCount = columns.shape[0]
        self.blockRows = max(1, min(rowCount, blockRows ?? Self.defaultBlockRows(columns: columnCount)))
    }

    /// About 4 M distances (16 MB) per block, in whole multiples of 64 rows per thread: the
    /// parallel loops give each thread a slice of rows aligned to 64, so blocks of that shape
    /// split evenly.
    static func defaultBlockRows(columns: Int) -> Int {
        let unit = 64 * ComputeThreads.count
        return max(unit, (4 << 20) / max(columns, 1) / unit * unit)
    }

    /// Calls `body(first, distances)` for consecutive blocks of rows: `distances` holds the
    /// squared distances of rows first ..< first + distances.count / columnCount, row-major.
    func forEachBlock(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let d = rows.shape[1], m = columnCount
        var first = 0
        while first < rowCount {
            let count = min(blockRows, rowCount - first)
            let block = rows.withUnsafeBufferPointer { source in
                Tensor(shape: [count, d], unsafeUninitialized: { $0.update(from: source.baseAddress! + first * d, count: count * d) })
            }
            var distances = GEMM.product(block, columns, transposeB: true)
            distances.withUnsafeMutableBufferPointer { g in
                rowNorms.withUnsafeBufferPointer { rowNorms in
                    columnNorms.withUnsafeBufferPointer { columnNorms in
                        ParallelLoop.forEachSlice(of: count, itemCost: m) { slice in
                            for i in slice {
                                let rowNorm = rowNorms[first + i]
                                let line = g.baseAddress! + i * m
                                for j in 0..<m { line[j] = max(0, rowNorm + columnNorms[j] - 2 * line[j]) }
                            }
                        }
                    }
                }
            }
            distances.withUnsafeBufferPointer { body(first, $0) }
            first += count
        }
    }

    /// ‖row‖² of each row, summed in double precision.
    private static func squaredNorms(_ matrix: Tensor) -> [Float] {
        let n = matrix.shape[0], d = matrix.shape[1]
        return matrix.withUnsafeBufferPointer { v in
            (0..<n).map { i in
                var sum = 0.0
                for j in 0..<d { sum += Double(v[i * d + j]) * Double(v[i * d + j]) }
                return Float(sum)
            }
        }
    }
}
