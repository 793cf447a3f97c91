/// One process's part of every batch of an epoch in data-parallel training, by PyTorch's
/// DistributedSampler convention: of the shuffled order, rank r takes every size-th image,
/// starting at the r-th. Batch k of one process (its images `order[k·B ..< (k+1)·B]`) is the
/// union of batch k of every rank, so N processes with the global batch B take the same steps
/// as one process with batch B.
public struct BatchShard: Sendable {
    public let batches: ImageBatches
    public let rank: Int, size: Int

    public init(_ batches: ImageBatches, rank: Int, size: Int) {
        precondition((0..<size).contains(rank), "rank \(rank) of \(size)")
        self.batches = batches
        self.rank = rank
        self.size = size
    }

    public var count: Int { batches.count }

    /// The images of the whole batch `index`, over all processes.
    public func globalCount(_ index: Int) -> Int {
        min(batches.batchSize, batches.order.count - index * batches.batchSize)
    }

    /// Positions in `order` of this process's images of batch `index`. A batch with fewer
    /// images than processes leaves some without any: they take the batch's first image
    /// (DistributedSampler pads so too), with a share of 0 so it changes nothing.
    func positions(_ index: Int) -> [Int] {
        let start = index * batches.batchSize, end = start + globalCount(index)
        let first = start + (rank - start % size + size) % size
        let own = Array(stride(from: first, to: end, by: size))
        return own.isEmpty ? [start] : own
    }

    public func batch(_ index: Int) -> Tensor {
        batches.images.tensor(positions(index).map { batches.order[$0] }, range: batches.range)
    }

    public func labels(_ index: Int) -> [Int] {
        positions(index).map { Int(batches.images.labels[batches.order[$0]]) }
    }

    /// The fraction of batch `index`'s images that are this process's: the weight of its
    /// gradients and losses in the average over processes.
    public func share(_ index: Int) -> Float {
        let start = index * batches.batchSize, end = start + globalCount(index)
        let first = start + (rank - start % size + size) % size
        let own = first < end ? (end - first + size - 1) / size : 0
        return Float(own) / Float(globalCount(index))
    }
}
