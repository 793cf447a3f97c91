import Foundation
import ZooHDF5

/// Writes a training run as an HDF5 checkpoint (layout: Checkpoints/FORMAT.md). The file is
/// built in memory and then replaced atomically, so a crash never leaves a half-written file.
public enum CheckpointWriter {
    public static func save(_ run: TrainingRun, to path: String) throws {
        // The bytes go to disk straight from the buffer the file was built in.
        try build(run, name: path).closeWithImage { bytes in try AtomicFile.write(bytes, to: path, what: "checkpoint") }
    }

    /// The checkpoint's bytes.
    public static func encode(_ run: TrainingRun, name: String = "<memory>") throws -> [UInt8] {
        try build(run, name: name).closeWithImage { Array($0) }
    }

    /// The checkpoint as an in-memory file, flushed, with nothing but the file itself open.
    private static func build(_ run: TrainingRun, name: String) throws -> HDF5File {
        let file = try HDF5File.inMemory(name: name, expectedSize: estimatedSize(run))
        let root = file.root
        typealias A = CheckpointLayout.Attribute
        try root.attributes.set(A.format, CheckpointLayout.formatName)
        try root.attributes.set(A.formatVersion, CheckpointLayout.formatVersion)
        try root.attributes.set(A.model, run.modelType.name)
        try root.attributes.set(A.hyperparameters, run.model.hyperparametersJSON)
        try root.attributes.set(A.training, JSONText.encode(run.settings))
        try root.attributes.set(A.zooVersion, ZooVersion.current)
        try root.attributes.set(A.created, utcTimestamp())
        try root.attributes.set(A.imageChannels, Int64(run.imageShape.channels))
        try root.attributes.set(A.imageHeight, Int64(run.imageShape.height))
        try root.attributes.set(A.imageWidth, Int64(run.imageShape.width))
        try root.attributes.set(A.classNames, JSONText.encode(run.classNames))

        // The weights group is the model's PyTorch state_dict: parameters and buffers together,
        // counters (num_batches_tracked) as int64 scalars as PyTorch keeps them.
        let weights = try root.createGroup(CheckpointLayout.weights)
        for (name, parameter) in run.model.namedParameters { try write(parameter.value, name, in: weights) }
        for (name, buffer) in run.model.namedBuffers {
            if buffer.isCount {
                try weights.write(name, scalar: Int64(buffer.value.scalar))
            } else {
                try write(buffer.value, name, in: weights)
            }
        }

        // Every dictionary is written in key order: the same run gives the same file layout
        // in every process (Swift seeds its dictionary order per process).
        let modelState = try root.createGroup(CheckpointLayout.modelState)
        for (name, tensor) in run.model.extraState.sorted(by: { $0.key < $1.key }) { try write(tensor, name, in: modelState) }

        let optimizers = try root.createGroup(CheckpointLayout.optimizer)
        for (optimizerName, optimizer) in run.optimizers {
            let group = try optimizers.createGroup(optimizerName)
            for (key, tensor) in optimizer.state.sorted(by: { $0.key < $1.key }) {
                let (parameter, slot) = splitSlot(key)
                let parameterGroup = try group.openOrCreateGroup(parameter)
                if CheckpointLayout.integerSlots.contains(slot) {
                    try parameterGroup.write(slot, scalar: Int64(tensor.scalar))
                } else {
                    try write(tensor, slot, in: parameterGroup)
                }
            }
        }

        typealias T = CheckpointLayout.TrainingState
        let state = try root.createGroup(CheckpointLayout.trainingState)
        try state.attributes.set(T.epoch, Int64(run.epoch))
        try state.attributes.set(T.stepInEpoch, Int64(run.stepInEpoch))
        try state.attributes.set(T.globalStep, Int64(run.globalStep))
        try state.attributes.set(T.partialImages, Int64(run.partialImages))
        try state.attributes.set(T.partialSeconds, run.partialSeconds)
        try state.write(T.modelRNG, run.modelGenerator.state)
        try state.write(T.dataRNG, run.dataGenerator.state)
        let sums = try state.createGroup(T.partialLossSums)
        for (name, value) in run.partialLossSums.sorted(by: { $0.key < $1.key }) { try sums.write(name, scalar: value) }

        typealias H = CheckpointLayout.History
        let history = try root.createGroup(CheckpointLayout.history)
        try history.write(H.epoch, run.history.map { Int64($0.epoch) })
        try history.write(H.seconds, run.history.map(\.seconds))
        for (groupName, values) in [(H.losses, run.history.map(\.losses)), (H.metrics, run.history.map(\.metrics))] {
            let group = try history.createGroup(groupName)
            for key in Set(values.flatMap(\.keys)).sorted() {
                try group.write(key, values.map { $0[key] ?? .nan })
            }
        }
        try file.flush()
        return file
    }

    /// The tensors' bytes, with their checksums, and room for the metadata: about the size of
    /// the file, so that its buffer need not grow while it is built.
    private static func estimatedSize(_ run: TrainingRun) -> Int {
        let tensors = run.model.namedParameters.map(\.parameter.value) + run.model.namedBuffers.map(\.buffer.value)
            + run.optimizers.flatMap { $0.optimizer.state.values }
        return tensors.reduce(64 << 10) { $0 + 4 * $1.count + 4 } + run.history.count * 256
    }

    /// Writes a float tensor. A diverged update (a NaN or infinity in the weights, the
    /// optimizer's moments or the model's state) must never replace the last good checkpoint,
    /// and the reader would refuse the file anyway.
    private static func write(_ tensor: Tensor, _ name: String, in group: HDF5Group) throws {
        guard tensor.isFinite else {
            let path = group.path == "/" ? name : "\(group.path.dropFirst())/\(name)"
            throw ZooError("not saving: \(path) contains NaN or infinite values (training diverged; try a lower --lr)")
        }
        _ = try tensor.withUnsafeBufferPointer { try group.write(name, $0, shape: tensor.shape) }
    }

    /// The current time as ISO 8601 UTC to the second ("2026-01-31T12:00:00Z"), formatted
    /// directly: creating an ISO8601DateFormatter costs more than a small checkpoint's metadata.
    static func utcTimestamp(_ time: time_t = time(nil)) -> String {
        var seconds = time, parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return ISO8601DateFormatter().string(from: Date()) }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// "encoder.0.weight.exp_avg" → ("encoder.0.weight", "exp_avg").
    static func splitSlot(_ key: String) -> (parameter: String, slot: String) {
        guard let dot = key.lastIndex(of: ".") else { return (key, "") }
        return (String(key[..<dot]), String(key[key.index(after: dot)...]))
    }
}
