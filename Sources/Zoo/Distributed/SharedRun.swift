extension TrainingRun {
    /// Rank 0's run on every process of `group`, as the checkpoint it would write: weights,
    /// buffers, optimizer state, random streams, position and history travel together, read
    /// back with every check a checkpoint file gets. So every process starts from one state
    /// whether rank 0 started the run or read it from a file only its machine has.
    /// `run` is rank 0's (ignored elsewhere).
    public static func shared(_ run: TrainingRun?, over group: any ProcessGroup) throws -> TrainingRun {
        guard group.size > 1 else { return run! }
        var bytes: [UInt8] = []
        try group.agree(group.attempt { if group.isRoot { bytes = try CheckpointWriter.encode(run!, name: "rank 0's run") } })
        bytes = try group.broadcast(bytes, from: 0)
        var received: TrainingRun?
        try group.agree(group.attempt {
            received = group.isRoot ? run! : try CheckpointReader.decode(bytes, name: "rank 0's run")
        })
        received!.group = group
        return received!
    }
}

extension ImageSet {
    /// A checksum of the pixels and labels (FNV-1a over 8-byte words), to check that every
    /// process trains on the same images.
    public var checksum: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ bytes: UnsafeRawBufferPointer) {
            let words = bytes.count / 8
            for i in 0..<words { hash = (hash ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01B3 }
            for i in (words * 8)..<bytes.count { hash = (hash ^ UInt64(bytes[i])) &* 0x100_0000_01B3 }
        }
        pixels.withUnsafeBytes(mix)
        labels.withUnsafeBytes(mix)
        return String(hash, radix: 16)
    }
}
