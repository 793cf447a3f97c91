/// The training step of one process among several (see `TrainingRun.trainEpoch`).
extension TrainingRun {
    /// This process's share of the current batch through the model, its gradients averaged
    /// with the others' by `averaging`; returns the batch's losses over all processes and
    /// whether any process was asked to stop (Ctrl-C reaches them at different moments; all
    /// must stop after the same step).
    ///
    /// Each process draws its noise (latents, dropout, reparameterisation) from its own stream,
    /// forked for this step from the shared one, which every process advances alike: processes
    /// draw different noise for their different images, and the shared stream alone, which
    /// checkpoints keep, decides every draw of a resumed run.
    func distributedStep(_ shard: BatchShard, averaging: [GradientAveraging],
                         stopRequested: () -> Bool) throws -> (losses: [String: Double], stop: Bool) {
        let share = shard.share(stepInEpoch)
        for optimizer in averaging { optimizer.share = share }
        var generator = modelGenerator.fork(group.rank)
        let own = model.trainStep(shard.batch(stepInEpoch), labels: shard.labels(stepInEpoch),
                                  optimizers: averaging, generator: &generator)
        if let failure = averaging.lazy.compactMap(\.failure).first {
            throw ZooError("averaging gradients over \(group.size) processes failed: \(failure)")
        }
        // One sum carries every loss, weighted by this process's share, and the stop requests.
        let names = own.keys.sorted()
        var values = names.map { Double(own[$0]!) * Double(share) } + [stopRequested() ? 1 : 0]
        try group.sum(&values)
        try synchronizeBuffers()
        return (Dictionary(uniqueKeysWithValues: zip(names, values)), values.last! > 0)
    }

    /// Batch-norm running statistics as rank 0 has them, on every process (DDP's
    /// `broadcast_buffers`): each process normalises its share with that share's own batch
    /// statistics, so their running averages drift apart; this keeps one model everywhere.
    func synchronizeBuffers() throws {
        let buffers = model.namedBuffers.map(\.buffer).filter { !$0.isCount }
        guard !buffers.isEmpty else { return }
        var flat = buffers.flatMap { $0.value.scalars }
        try flat.withUnsafeMutableBytes { try group.broadcast($0, from: 0) }
        var offset = 0
        for buffer in buffers {
            buffer.value = Tensor(shape: buffer.value.shape, Array(flat[offset..<(offset + buffer.value.count)]))
            offset += buffer.value.count
        }
    }

    /// Fails unless every process holds the same weights, bit for bit: what averaging the
    /// gradients promises, checked once an epoch with a checksum of each process's weights.
    func requireIdenticalWeights() throws {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for tensor in model.namedParameters.map(\.parameter.value) + model.namedBuffers.map(\.buffer.value) {
            tensor.withUnsafeBufferPointer { values in
                for value in values { hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01B3 }
            }
        }
        let all = try group.allGather(String(hash, radix: 16))
        if let other = all.indices.first(where: { all[$0] != all[0] }) {
            throw ZooError("the weights of rank \(other) differ from rank 0's after epoch \(epoch + 1) (checksums \(all[other]) and \(all[0])): the processes no longer train one model")
        }
    }
}

extension RandomGenerator {
    /// A new stream for `index` (a process's rank), seeded from one draw of this one.
    public mutating func fork(_ index: Int) -> RandomGenerator {
        RandomGenerator(seed: next() ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    }
}
