/// The little dense linear algebra the Fréchet distance does besides LAPACK's eigensolver, on
/// square row-major double matrices of the feature dimension (a few hundred at most, so plain
/// loops are fast enough: 128³ multiply-adds take about a millisecond).
enum SquareMatrix {
    /// A·B.
    static func multiply(_ a: [Double], _ b: [Double], order n: Int) -> [Double] {
        precondition(a.count == n * n && b.count == n * n)
        var c = [Double](repeating: 0, count: n * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        let row = c.baseAddress! + i * n
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            let line = b.baseAddress! + k * n
                            for j in 0..<n { row[j] += aik * line[j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// Replaces each pair of mirrored entries by their mean: a matrix symmetric up to rounding
    /// becomes exactly symmetric.
    static func symmetrize(_ m: inout [Double], order n: Int) {
        for i in 0..<n {
            for j in (i + 1)..<n {
                let mean = (m[i * n + j] + m[j * n + i]) / 2
                m[i * n + j] = mean
                m[j * n + i] = mean
            }
        }
    }
}
