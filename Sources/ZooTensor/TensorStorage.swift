import CZooKernels
import Synchronization

/// The float32 buffer behind a `Tensor`: 64-byte aligned so vector loads never split a cache line.
///
/// Training allocates the same few shapes every step, so freed buffers go back to a pool keyed by
/// element count and are handed out again instead of returning to malloc.
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// Unique to this buffer for the life of the process (its address may be reused, this is
    /// not), and bumped on every write through `Tensor.withUnsafeMutableBufferPointer`: together
    /// they name the contents, so a convolution keeps a weight's blocked copy while they match.
    let identity: UInt64
    @usableFromInline var version: UInt64 = 0

    private static let identities = Atomic<UInt64>(0)

    /// A buffer whose contents are unspecified (callers overwrite every element).
    @usableFromInline init(uninitializedCount count: Int) {
        self.count = count
        self.pointer = BufferPool.shared.take(count)
        self.identity = Self.identities.add(1, ordering: .relaxed).newValue
    }

    /// What oneDNN calls are told about this buffer's contents (see `identity`).
    var bufferVersion: zoo_buffer_version { zoo_buffer_version(id: identity, version: version) }

    @usableFromInline convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    @usableFromInline func copy() -> TensorStorage {
        let storage = TensorStorage(uninitializedCount: count)
        storage.pointer.update(from: pointer, count: count)
        return storage
    }

    deinit { BufferPool.shared.give(pointer, count: count) }
}

/// Recycles tensor buffers by size. It keeps at most 32 free buffers of each size, so a burst
/// of one shape cannot hoard memory; the number of sizes is not bounded, which suits models
/// whose steps use a fixed set of shapes.
final class BufferPool: Sendable {
    static let shared = BufferPool()
    private static let maxBuffersPerSize = 32
    /// Free buffers by element count, kept as addresses so the dictionary is Sendable.
    private let free = Mutex<[Int: [UInt]]>([:])

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let reused = free.withLock({ $0[count]?.popLast() }),
           let pointer = UnsafeMutablePointer<Float>(bitPattern: reused) {
            return pointer
        }
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let kept = free.withLock { pool -> Bool in
            guard pool[count, default: []].count < Self.maxBuffersPerSize else { return false }
            pool[count, default: []].append(UInt(bitPattern: pointer))
            return true
        }
        if !kept { UnsafeMutableRawPointer(pointer).deallocate() }
    }

    /// Frees every pooled buffer (see `Tensor.releasePooledMemory`).
    func drain() {
        let all = free.withLock { pool -> [UInt] in
            defer { pool = [:] }
            return pool.values.flatMap { $0 }
        }
        for address in all { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }
}

extension Tensor {
    /// Hands the buffers kept for reuse back to malloc. Training keeps its step's buffers and
    /// evaluation (at another batch size) its own; draining between the two phases makes a
    /// process's peak the larger of them rather than their sum (a DCGAN training process: 443
    /// MiB → 380), at the cost of allocating them again once per epoch.
    public static func releasePooledMemory() { BufferPool.shared.drain() }
}
