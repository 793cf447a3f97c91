import CZooKernels
import Synchronization

/// The arithmetic of matrix products and convolutions.
public enum Precision: String, CaseIterable, Sendable, Codable {
    /// float32 throughout.
    case fp32
    /// Mixed precision (PyTorch's CPU autocast to bfloat16): each product's two operands are
    /// rounded to bfloat16 (nearest, ties to even) on their way into oneDNN, which multiplies
    /// them exactly and accumulates and returns float32. Everything else stays float32.
    case bf16

    /// nil where this precision runs on this machine; else one line saying why it does not.
    public var unavailableReason: String? {
        switch self {
        case .fp32: nil
        case .bf16: zoo_bf16_unavailable().map { String(cString: $0) }
        }
    }

    var kernelCode: Int {
        switch self {
        case .fp32: Int(zoo_precision_fp32.rawValue)
        case .bf16: Int(zoo_precision_bf16.rawValue)
        }
    }
}

/// The precision of the products inside the autodiff ops (`linear`, `matmul`, `conv2d`,
/// `convTranspose2d`): one per process, like the thread count, set before the work starts. An
/// op reads it when it runs forward and its backward pass uses the same. Products called
/// directly (`GEMM.product`, the metrics) are fp32 unless they ask otherwise.
///
/// Where bf16 conversions sit in a training step: a layer's input is converted as its forward
/// product reads it, and again by the weight gradient's product; the incoming gradient by each
/// backward product; a weight once per optimizer step (its converted copy is kept while the
/// weight is unchanged and shared by the forward and backward products that read it in the same
/// layout). Master weights, gradients, optimizer state, losses and batch-norm statistics stay
/// float32.
public enum ComputePrecision {
    private static let code = Atomic<Int>(0)

    public static var current: Precision { code.load(ordering: .relaxed) == 0 ? .fp32 : .bf16 }

    /// Sets the precision; the caller has checked `unavailableReason` (a bf16 product on a CPU
    /// without it stops the process).
    public static func set(_ precision: Precision) {
        code.store(precision == .fp32 ? 0 : 1, ordering: .relaxed)
    }

    /// Runs `body` in `precision`, then restores the one before (a yardstick, such as the
    /// metrics' classifier, measures in fp32 whatever precision the model runs in).
    public static func using<Result>(_ precision: Precision, _ body: () throws -> Result) rethrows -> Result {
        let before = current
        set(precision)
        defer { set(before) }
        return try body()
    }
}

extension Tensor {
    /// The values rounded to bfloat16 and back (what a bf16 product multiplies): for tests and
    /// references.
    public func roundedToBFloat16() -> Tensor {
        var bits = [UInt16](repeating: 0, count: count)
        withUnsafeBufferPointer { source in
            bits.withUnsafeMutableBufferPointer { checkDNNL(zoo_convert_to_bf16(source.baseAddress, $0.baseAddress, count), "bf16 conversion") }
        }
        return Tensor(shape: shape, bits.map { Float(bitPattern: UInt32($0) << 16) })
    }
}
