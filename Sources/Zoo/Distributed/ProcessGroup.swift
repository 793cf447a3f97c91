/// The processes that train one model together (MPI's world, PyTorch's process group): each
/// knows its rank and how many there are, and they exchange numbers with collective calls
/// that every process makes in the same order. `SingleProcess` is the group of one that every
/// run without `mpirun` has; `ZooMPI` provides the real one.
public protocol ProcessGroup: AnyObject {
    /// This process's place, 0 ..< size; rank 0 prints and writes checkpoints.
    var rank: Int { get }
    var size: Int { get }
    /// Sums `values` over every process, in place.
    func sum(_ values: UnsafeMutableBufferPointer<Float>) throws
    func sum(_ values: UnsafeMutableBufferPointer<Double>) throws
    /// Replaces `bytes` on every process with rank `root`'s (of the same count).
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) throws
    /// Every process's `bytes` (the same count on all), in rank order.
    func allGather(_ bytes: [UInt8]) throws -> [[UInt8]]
}

extension ProcessGroup {
    public var isRoot: Bool { rank == 0 }

    public func sum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try sum($0) }
    }

    /// Whether `flag` is true on any process.
    public func any(_ flag: Bool) throws -> Bool {
        guard size > 1 else { return flag }
        var count = [flag ? 1.0 : 0]
        try sum(&count)
        return count[0] > 0
    }

    /// Rank `root`'s byte array, of any length, on every process.
    public func broadcast(_ bytes: [UInt8], from root: Int) throws -> [UInt8] {
        var count = [Double(bytes.count)]
        try count.withUnsafeMutableBytes { try broadcast($0, from: root) }
        var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
        try result.withUnsafeMutableBytes { try broadcast($0, from: root) }
        return result
    }

    /// Every process's string (of any length), in rank order.
    public func allGather(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        let lengths = try allGather(withUnsafeBytes(of: Int64(bytes.count).littleEndian) { Array($0) })
            .map { Int(Int64(littleEndian: $0.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })) }
        let longest = lengths.max() ?? 0
        let padded = bytes + [UInt8](repeating: 0, count: longest - bytes.count)
        return try zip(allGather(padded), lengths).map { String(decoding: $0.prefix($1), as: UTF8.self) }
    }

    /// Ends a phase in which any process may fail, so that all go on or all stop: each gives
    /// its error (nil when it succeeded), and when any failed, every process throws: rank 0
    /// its own error as it is, every other process `DistributedFailure` with the lowest failing
    /// rank's message. Without it, one process would stop while the others wait for it in
    /// their next collective call. In a group of one it just rethrows.
    public func agree(_ error: Error?) throws {
        if size == 1 {
            if let error { throw error }
            return
        }
        let messages = try allGather(error.map { String(describing: $0) } ?? "")
        guard let failing = messages.indices.first(where: { !messages[$0].isEmpty }) else { return }
        if failing == rank, let error, rank == 0 { throw error }
        throw DistributedFailure(rank: failing, message: messages[failing])
    }

    /// `body`'s error, if it fails, for `agree`.
    public func attempt(_ body: () throws -> Void) -> Error? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    /// Fails on every process unless all describe themselves alike: `description` is lines of
    /// "what: value" (zoo's version, the model, its settings, the data); the message names the
    /// first line where a rank differs from rank 0.
    public func requireSame(_ description: String) throws {
        let all = try allGather(description)
        guard let other = all.indices.first(where: { all[$0] != all[0] }) else { return }
        let theirs = all[other].split(separator: "\n", omittingEmptySubsequences: false)
        let ours = all[0].split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<max(theirs.count, ours.count)).first { $0 >= theirs.count || $0 >= ours.count || theirs[$0] != ours[$0] } ?? 0
        func shown(_ lines: [Substring]) -> String { line < lines.count ? "'\(lines[line])'" : "nothing" }
        let failure = DistributedFailure(rank: other, message: "runs a different job from rank 0: \(shown(theirs)) where rank 0 has \(shown(ours)); every process must run the same zoo, model, settings and data")
        throw failure
    }
}

/// A phase failed on process `rank`: every process stops, and rank 0 prints the message, so
/// the user reads it once.
public struct DistributedFailure: Error, CustomStringConvertible {
    public let rank: Int
    public let message: String
    public var description: String { "rank \(rank): \(message)" }
}

/// The group of one process: every collective is the identity.
public final class SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {}
    public func sum(_ values: UnsafeMutableBufferPointer<Double>) throws {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) throws {}
    public func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] { [bytes] }
}
