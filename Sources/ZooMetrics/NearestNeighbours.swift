/// The k-nearest-neighbour radii of a set within itself, from its blocked distance matrix.
enum NearestNeighbours {
    /// For each row, the squared distance to its k-th nearest other row: the row's own entry
    /// (its zero distance to itself) is skipped by position, so a duplicate point still counts
    /// as a neighbour at distance 0, as in the reference code (which sorts the self-distance in
    /// and takes index k). `distances` must be a set against itself (`PairwiseDistances(within:)`).
    static func squaredRadii(_ distances: PairwiseDistances, k: Int) -> [Float] {
        precondition(distances.rowCount == distances.columnCount && distances.columnCount > k)
        let n = distances.columnCount
        var radii = [Float](repeating: 0, count: distances.rowCount)
        radii.withUnsafeMutableBufferPointer { radii in
            distances.forEachBlock { first, block in
                // Rows are independent: each thread scans its own and writes only their radii.
                ParallelLoop.forEachSlice(of: block.count / n, itemCost: n) { slice in
                    var nearest = [Float](repeating: .infinity, count: k)
                    nearest.withUnsafeMutableBufferPointer { nearest in
                        for i in slice {
                            let row = first + i
                            let line = UnsafeBufferPointer(rebasing: block[(i * n)..<((i + 1) * n)])
                            for slot in 0..<k { nearest[slot] = .infinity }
                            keepSmallest(UnsafeBufferPointer(rebasing: line[..<row]), in: nearest)
                            keepSmallest(UnsafeBufferPointer(rebasing: line[(row + 1)...]), in: nearest)
                            radii[row] = nearest[k - 1]
                        }
                    }
                }
            }
        }
        return radii
    }

    /// Merges `values` into `nearest`, the ascending k smallest seen so far. Most values are
    /// larger than the current k-th smallest, so the loop is one comparison per value.
    @inline(__always)
    private static func keepSmallest(_ values: UnsafeBufferPointer<Float>, in nearest: UnsafeMutableBufferPointer<Float>) {
        let last = nearest.count - 1
        var worst = nearest[last]
        for value in values where value < worst {
            var slot = last
            while slot > 0 && nearest[slot - 1] > value {
                nearest[slot] = nearest[slot - 1]
                slot -= 1
            }
            nearest[slot] = value
            worst = nearest[last]
        }
    }
}
