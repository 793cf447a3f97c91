import Foundation
import ZooHDF5

/// Reads a checkpoint's float32 tensors (weights, model state, optimizer moments) on a second
/// thread while the calling thread builds the model they go into, which costs about as much
/// as reading them (its weights are drawn at random, then overwritten).
///
/// It only reads ahead: the reader still validates everything in its own order, and takes each
/// tensor from here, with the error reading it gave if any, when it gets to it; whatever was
/// not read ahead it reads itself. Only tensors stored uncompressed in one checksummed chunk
/// are read ahead, so what is read ahead never exceeds the file's size, even before the names
/// and shapes have been checked. The calling thread makes no HDF5 call until `wait()`.
final class TensorPrefetch: @unchecked Sendable {
    struct Entry {
        let shape: [Int]
        let tensor: Result<Tensor, any Error>
        /// Whether every element is finite (checked on the reading thread too).
        let isFinite: Bool
    }

    // Owned by the reading thread from start() until wait() returns, then by the caller.
    private var root: HDF5Group?
    private var entries: [String: Entry] = [:]
    private let finished = DispatchSemaphore(value: 0)
    private var started = false, joined = false

    init(root: HDF5Group) {
        self.root = root
    }

    func start() {
        started = true
        Thread { [self] in
            readAhead()
            // The thread may outlive the reader's use of the file (it lets go of this object
            // only after signalling): it must hold no HDF5 object by then.
            root = nil
            finished.signal()
        }.start()
    }

    /// Waits for the reading thread; harmless to call again.
    func wait() {
        guard started, !joined else { return }
        finished.wait()
        joined = true
    }

    /// The tensor read ahead at `path` (e.g. "/weights/encoder.0.weight"), once; nil if it
    /// was not (or reading ahead was never started).
    func take(_ path: String) -> Entry? {
        precondition(joined || !started, "take before wait")
        return entries.removeValue(forKey: path)
    }

    private func readAhead() {
        guard let root else { return }
        // A failure to list or open anything ends the reading ahead: the reader meets the same
        // failure itself, in its own order.
        do {
            for name in [CheckpointLayout.weights, CheckpointLayout.modelState] where try root.kind(of: name) == .group {
                try readAhead(in: try root.openGroup(name))
            }
            guard try root.kind(of: CheckpointLayout.optimizer) == .group else { return }
            let optimizers = try root.openGroup(CheckpointLayout.optimizer)
            for optimizer in try optimizers.groupNames() {
                let group = try optimizers.openGroup(optimizer)
                for parameter in try group.groupNames() { try readAhead(in: try group.openGroup(parameter)) }
            }
        } catch {}
    }

    private func readAhead(in group: HDF5Group) throws {
        for name in try group.datasetNames() {
            let dataset = try group.openDataset(name)
            guard dataset.elementType == .float32, (1...CheckpointLayout.maximumTensorElements).contains(dataset.count),
                  dataset.storedBytes == 4 * dataset.count + 4 else {
                continue
            }
            let tensor = Result<Tensor, any Error> {
                try Tensor(shape: dataset.shape) { out in
                    try dataset.read(into: UnsafeMutableBufferPointer(start: out, count: dataset.count))
                }
            }
            let isFinite = (try? tensor.get())?.isFinite ?? false
            entries[dataset.path] = Entry(shape: dataset.shape, tensor: tensor, isFinite: isFinite)
        }
    }
}
