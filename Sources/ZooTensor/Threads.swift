import CZooKernels

/// How many threads the tensor core uses (oneDNN's GEMM among them). Results are bit-identical
/// for the same seed and thread count, not across thread counts.
public enum ComputeThreads {
    public static func set(_ count: Int) { zoo_set_num_threads(Int32(max(1, count))) }
    public static var count: Int { Int(zoo_num_threads()) }
}
