import CLAPACK

/// The eigen-decomposition of a real symmetric matrix, through LAPACK's divide-and-conquer
/// solver `dsyevd` in double precision.
struct SymmetricEigen {
    /// Ascending.
    let values: [Double]
    /// Row i (values i*n ..< (i+1)*n) is the unit eigenvector of `values[i]`. LAPACK writes
    /// eigenvectors as the columns of a column-major matrix, which is this layout read row-major.
    /// Empty when only the eigenvalues were asked for.
    let vectors: [Double]
    let order: Int

    /// Decomposes the symmetric `order` x `order` matrix `matrix` (row-major; a symmetric matrix
    /// reads the same column-major, so it goes to LAPACK as it is). Only its lower triangle in
    /// LAPACK's terms is read, so a matrix that is symmetric only up to rounding is fine.
    init(_ matrix: [Double], order n: Int, withVectors: Bool = true) throws {
        precondition(matrix.count == n * n && n > 0, "a symmetric matrix of order \(n) needs \(n * n) values")
        guard matrix.allSatisfy(\.isFinite) else {
            throw MetricError(.nonFinite, "the \(n) x \(n) matrix to decompose has a NaN or an infinity")
        }
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var order = Int32(n), info: Int32 = 0
        let jobz = CChar(UInt8(ascii: withVectors ? "V" : "N")), uplo = CChar(UInt8(ascii: "L"))

        // First call: the workspace sizes dsyevd wants (lwork = liwork = -1 is the query).
        var query: Double = 0, iquery: Int32 = 0, queryLwork: Int32 = -1, queryLiwork: Int32 = -1
        var lda = order
        withUnsafePointer(to: jobz) { jobz in
            withUnsafePointer(to: uplo) { uplo in
                dsyevd_(jobz, uplo, &order, &a, &lda, &w, &query, &queryLwork, &iquery, &queryLiwork, &info, 1, 1)
            }
        }
        guard info == 0 else {
            throw MetricError(.lapackFailure, "LAPACK dsyevd failed its workspace query for a \(n) x \(n) matrix (info \(info))")
        }
        var lwork = Int32(query.rounded(.up)), liwork = iquery
        var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iwork = [Int32](repeating: 0, count: Int(max(liwork, 1)))
        withUnsafePointer(to: jobz) { jobz in
            withUnsafePointer(to: uplo) { uplo in
                dsyevd_(jobz, uplo, &order, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
            }
        }
        guard info == 0 else {
            let why = info > 0 ? "did not converge" : "rejected argument \(-info)"
            throw MetricError(.lapackFailure, "LAPACK dsyevd \(why) on a \(n) x \(n) symmetric matrix (info \(info))")
        }
        values = w
        vectors = withVectors ? a : []
        self.order = n
    }

    /// V · diag(f(λ)) · Vᵀ, row-major: the matrix function f applied through the eigenbasis.
    func reassembled(_ f: (Double) -> Double) -> [Double] {
        let n = order
        precondition(vectors.count == n * n, "reassembling needs the eigenvectors")
        var result = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let scale = f(values[k])
            if scale == 0 { continue }
            let v = vectors[(k * n)..<((k + 1) * n)]
            let base = v.startIndex
            for i in 0..<n {
                let vi = scale * v[base + i]
                if vi == 0 { continue }
                for j in 0..<n { result[i * n + j] += vi * v[base + j] }
            }
        }
        // Exactly symmetric, whatever the rounding of the sums above.
        SquareMatrix.symmetrize(&result, order: n)
        return result
    }
}
