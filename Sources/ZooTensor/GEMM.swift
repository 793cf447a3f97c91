import CDNNL
import CZooKernels
import Synchronization

/// The shape of one GEMM call: C[m, n] = op(A)[m, k] · op(B)[k, n].
public struct GEMMShape: Hashable, Sendable, Codable {
    public let m: Int, n: Int, k: Int
    public let transposeA: Bool, transposeB: Bool
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// Matrix products through oneDNN (row-major): C = op(A)·op(B) + beta·C.
/// Transposes are flags to the GEMM, never copies.
public enum GEMM {
    /// op(a)·op(b) for 2-D tensors; op transposes when the flag is set. In bf16 (see
    /// `Precision`), `bIsWeight` keeps b's converted copy while b is unchanged (a layer's weight,
    /// converted once per optimizer step rather than once per product).
    public static func product(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                               precision: Precision = .fp32, bIsWeight: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        var c = Tensor(shape: [m, n], unsafeUninitialized: { _ in })
        if precision == .bf16 {
            mixed(a, b, transposeA, transposeB, bias: nil, bIsWeight: bIsWeight, into: &c)
        } else {
            accumulate(a, b, transposeA: transposeA, transposeB: transposeB, into: &c, beta: 0)
        }
        return c
    }

    /// op(a)·op(b) + bias on every row (bias: [n]): a Linear layer's forward pass, the bias
    /// added inside the product where oneDNN can.
    public static func product(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                               bias: Tensor, precision: Precision = .fp32, bIsWeight: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(bias.shape == [n], "bias \(bias.shape) does not match a product with \(n) columns")
        var c = Tensor(shape: [transposeA ? a.shape[1] : a.shape[0], n], unsafeUninitialized: { _ in })
        if precision == .bf16 {
            mixed(a, b, transposeA, transposeB, bias: bias, bIsWeight: bIsWeight, into: &c)
            return c
        }
        run(a, b, transposeA, transposeB, &c) { m, n, k, pa, lda, pb, ldb, pc in
            bias.withUnsafeBufferPointer { pbias in
                zoo_sgemm_bias(transposeA ? 84 : 78, transposeB ? 84 : 78, m, n, k, pa, lda, pb, ldb, pbias.baseAddress, pc, n)
            }
        } empty: { c in bias.withUnsafeBufferPointer { zoo_broadcast_rows($0.baseAddress!, c.count / max(n, 1), n, c.baseAddress!) } }
        return c
    }

    /// c = op(a)·op(b) (+ bias) in bf16 mixed precision.
    private static func mixed(_ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool, bias: Tensor?,
                              bIsWeight: Bool, into c: inout Tensor) {
        var version = b.bufferVersion
        run(a, b, transposeA, transposeB, &c) { m, n, k, pa, lda, pb, ldb, pc in
            withUnsafePointer(to: &version) { pversion in
                withExtendedLifetime(bias) {
                    zoo_gemm_bf16(transposeA ? 84 : 78, transposeB ? 84 : 78, m, n, k, pa, lda, nil, pb, ldb,
                                  bIsWeight ? pversion : nil, bias.map { UnsafePointer($0.address) }, 0, pc, n)
                }
            }
        } empty: { c in
            if let bias {
                let n = bias.count
                bias.withUnsafeBufferPointer { zoo_broadcast_rows($0.baseAddress!, c.count / max(n, 1), n, c.baseAddress!) }
            } else {
                c.initialize(repeating: 0)
            }
        }
    }

    /// c = op(a)·op(b) + beta·c, in place.
    public static func accumulate(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                                  into c: inout Tensor, beta: Float) {
        run(a, b, transposeA, transposeB, &c) { m, n, k, pa, lda, pb, ldb, pc in
            zoo_sgemm(transposeA ? 84 : 78, transposeB ? 84 : 78,  // 'T' : 'N'
                      m, n, k, 1, pa, lda, pb, ldb, beta, pc, n)
        } empty: { c in
            for i in c.indices { c[i] = beta == 0 ? 0 : c[i] * beta }
        }
    }

    /// Checks the shapes, records them, and hands raw buffers to `kernel`; `empty` stands in
    /// for a product with no inner dimension.
    private static func run(_ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool, _ c: inout Tensor,
                            kernel: (Int, Int, Int, UnsafePointer<Float>?, Int, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?) -> Int32,
                            empty: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kB = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kB, "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        precondition(c.shape == [m, n], "matmul output \(c.shape) is not [\(m), \(n)]")
        if m == 0 || n == 0 { return }
        recording.withLock { $0?.append(GEMMShape(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)) }
        if k == 0 {
            c.withUnsafeMutableBufferPointer(empty)
            return
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    let status = kernel(m, n, k, pa.baseAddress, a.shape[1], pb.baseAddress, b.shape[1], pc.baseAddress)
                    precondition(status == Int32(dnnl_success.rawValue), "oneDNN matmul failed with status \(status)")
                }
            }
        }
    }

    private static let recording = Mutex<[GEMMShape]?>(nil)

    /// Every GEMM `body` performs, in order: what a benchmark replays to find the GEMM limit
    /// of a model's training step.
    public static func shapes(during body: () throws -> Void) rethrows -> [GEMMShape] {
        recording.withLock { $0 = [] }
        defer { recording.withLock { $0 = nil } }
        try body()
        return recording.withLock { $0 ?? [] }
    }
}
