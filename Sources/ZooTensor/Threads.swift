import CZooKernels

/// How many threads the tensor core uses (oneDNN's GEMM among them). Results are bit-identical
/// for the same seed and thread count, not across thread counts. The setting is one per process
/// and not synchronised: set it before the work starts, from the thread that does the work.
public enum ComputeThreads {
    /// More than any machine zoo runs on has cores; OpenMP teams beyond it only waste memory.
    public static let maximum = 1024
    public static func set(_ count: Int) { zoo_set_num_threads(Int32(min(max(1, count), maximum))) }
    public static var count: Int { Int(zoo_num_threads()) }
}
