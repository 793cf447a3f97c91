import CZooMPI
import Foundation
import Zoo

/// The processes `mpirun` started, as a `ProcessGroup` over Open MPI's MPI_COMM_WORLD.
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int

    /// Initialises MPI (once per process; `MPILaunch.processGroup` calls it).
    init() throws {
        var rank: Int32 = 0, size: Int32 = 0
        try Self.check(zoo_mpi_init(&rank, &size), "MPI_Init")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        try Self.check(zoo_mpi_sum_floats(values.baseAddress, values.count), "MPI_Allreduce")
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        try Self.check(zoo_mpi_sum_doubles(values.baseAddress, values.count), "MPI_Allreduce")
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) throws {
        try Self.check(zoo_mpi_broadcast(bytes.baseAddress, bytes.count, Int32(root)), "MPI_Bcast")
    }

    public func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var all = [UInt8](repeating: 0, count: bytes.count * size)
        try bytes.withUnsafeBytes { own in
            try all.withUnsafeMutableBytes { out in
                try Self.check(zoo_mpi_all_gather(own.baseAddress, out.baseAddress, Int32(bytes.count)), "MPI_Allgather")
            }
        }
        return (0..<size).map { Array(all[($0 * bytes.count)..<(($0 + 1) * bytes.count)]) }
    }

    /// Ends MPI; every process must call it before exiting normally, or mpirun reports the job failed.
    func finish() { _ = zoo_mpi_finalize() }

    private static func check(_ status: Int32, _ call: String) throws {
        guard status != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        zoo_mpi_error_string(status, &text, Int32(text.count))
        let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw ZooError("\(call) failed: \(message) (MPI error \(status))")
    }
}

/// Whether this process was started by `mpirun`, and its MPI world when it was. Without mpirun
/// nothing of MPI is touched: zoo starts and runs exactly as a single process.
public enum MPILaunch {
    /// The rank and world size mpirun gives each process in its environment, readable before
    /// MPI is initialised (so that ranks other than 0 can stay quiet from the first line).
    public static let environment: (rank: Int, size: Int)? = {
        let variables = ProcessInfo.processInfo.environment
        guard let size = variables["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init),
              let rank = variables["OMPI_COMM_WORLD_RANK"].flatMap(Int.init) else { return nil }
        return (rank, size)
    }()

    public static var isLaunched: Bool { environment != nil }

    /// Whether this process should print: rank 0, or any process not started by mpirun.
    public static var isRoot: Bool { (environment?.rank ?? 0) == 0 }

    nonisolated(unsafe) private static var world: MPIProcessGroup?

    /// The group this process trains in: MPI's world under mpirun (initialised on first use),
    /// else a group of one.
    public static func processGroup() throws -> any ProcessGroup {
        guard isLaunched else { return SingleProcess() }
        if let world { return world }
        let group = try MPIProcessGroup()
        world = group
        return group
    }

    /// Finalises MPI if it was initialised; call before the process exits.
    public static func finish() {
        world?.finish()
        world = nil
    }
}
