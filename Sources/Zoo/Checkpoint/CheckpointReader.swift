import Foundation
import ZooHDF5

/// Reads and validates a checkpoint. Every problem is a one-line `ZooError` naming the file
/// and the object; a model is returned only when every tensor has been read and checked.
public enum CheckpointReader {
    /// The full training run, ready to continue or to serve.
    public static func load(_ path: String) throws -> TrainingRun {
        try opening(path) { try read($0, name: path) }
    }

    /// The run in a checkpoint's bytes (another process's, in data-parallel training).
    public static func decode(_ bytes: [UInt8], name: String) throws -> TrainingRun {
        do {
            return try read(try HDF5File.open(image: bytes, name: name), name: name)
        } catch let error as HDF5Error {
            throw ZooError(error.description)
        }
    }

    /// The run, who wrote it, and every stored dataset, for `zoo inspect`: all from one open
    /// of the file, so a save that replaces it meanwhile cannot mix two versions.
    public static func inspect(_ path: String) throws -> CheckpointContents {
        try opening(path) { file in
            CheckpointContents(run: try read(file, name: path), origin: try origin(file), tensors: try listTensors(file))
        }
    }

    /// `body` on the file at `path`, with HDF5's errors as `ZooError`s.
    private static func opening<T>(_ path: String, _ body: (HDF5File) throws -> T) throws -> T {
        // libhdf5 would wait forever on a pipe and read a device to its end.
        if FileKind.of(path) == .other { throw ZooError("\(path): not a regular file") }
        do {
            return try body(try HDF5File.open(path))
        } catch let error as HDF5Error {
            throw ZooError(error.description)
        }
    }

    /// The model a zoo checkpoint at `path` holds, from its attributes alone; nil when the file
    /// is not a zoo checkpoint (or not readable).
    public static func modelName(at path: String) -> String? {
        guard FileKind.of(path) == .regular, let file = try? HDF5File.open(path),
              (try? formatName(file.root)) == CheckpointLayout.formatName else { return nil }
        return try? file.root.attributes.string(CheckpointLayout.Attribute.model)
    }

    /// The trained generative model alone, for encode / decode / sample; an error when the
    /// checkpoint holds another kind of model.
    public static func loadModel(_ path: String) throws -> any GenerativeModel {
        let run = try load(path)
        guard let model = run.model as? any GenerativeModel else {
            throw ZooError("\(path): holds a \(run.modelType.name) model, which is not a generative model")
        }
        return model
    }

    /// The trained classifier alone (for its features or predictions); an error when the
    /// checkpoint holds another kind of model.
    public static func loadClassifier(_ path: String) throws -> any ImageClassifier {
        let run = try load(path)
        guard let model = run.model as? any ImageClassifier else {
            throw ZooError("\(path): holds a \(run.modelType.name) model, not a classifier")
        }
        return model
    }

    /// Whether to read the tensors on a second thread while the model is built: not on a
    /// single processor, where the two would only take turns. Set in the speed test.
    nonisolated(unsafe) static var readsAhead = ProcessInfo.processInfo.activeProcessorCount > 1

    static func read(_ file: HDF5File, name: String) throws -> TrainingRun {
        let root = file.root
        typealias A = CheckpointLayout.Attribute
        guard try formatName(root) == CheckpointLayout.formatName else {
            throw ZooError("\(name): not a zoo checkpoint (no '\(A.format)' attribute \"\(CheckpointLayout.formatName)\")")
        }
        try requirePlainTree(file, name: name)
        let version = try root.attributes.int64(A.formatVersion)
        guard version >= 1 else {
            throw ZooError("\(name): checkpoint format version \(version) is not a valid format version (versions start at 1)")
        }
        guard version <= CheckpointLayout.formatVersion else {
            throw ZooError("\(name): checkpoint format version \(version) is newer than this zoo reads (\(CheckpointLayout.formatVersion)); upgrade zoo")
        }
        let modelName = try root.attributes.string(A.model)
        let modelType: any TrainableModel.Type
        do { modelType = try ModelRegistry.model(named: modelName) } catch { throw ZooError("\(name): \(error)") }
        let settings: TrainingSettings
        do {
            settings = try JSONObjectDecoding.decode(TrainingSettings.self, from: try root.attributes.string(A.training),
                                                     template: TrainingSettings())
        } catch let error as HDF5Error {
            throw error
        } catch {
            throw ZooError("\(name): training settings are not valid: \(JSONText.describe(error))")
        }
        do { try settings.validate(namedAsFlags: false) } catch { throw ZooError("\(name): training settings are not valid: \(error)") }
        let (imageShape, classNames) = try readImages(root, version: version, settings: settings, file: name)

        let hyperparameters = try root.attributes.string(A.hyperparameters)
        // The tensors are read on a second thread while this one builds the model and its
        // optimizers (see TensorPrefetch); the checks below are the same either way.
        let prefetched = TensorPrefetch(root: root)
        if readsAhead { prefetched.start() }
        defer { prefetched.wait() }
        var scratch = RandomGenerator(seed: 0)
        let model: any TrainableModel
        do {
            model = try modelType.make(hyperparametersJSON: hyperparameters, imageShape: imageShape, classCount: classNames.count, generator: &scratch)
        } catch {
            throw ZooError("\(name): \(error)")
        }
        // The random generators are set from the file below.
        let run = TrainingRun(modelType: modelType, model: model, settings: settings, modelGenerator: scratch,
                              dataGenerator: scratch, imageShape: imageShape, classNames: classNames)
        prefetched.wait()

        // The model is filled in place but only handed out if everything below succeeds.
        let weights = try root.openGroup(CheckpointLayout.weights)
        let expected = model.namedParameters, buffers = model.namedBuffers
        try checkNames(in: weights, expected: Set(expected.map(\.name) + buffers.map(\.name)), file: name)
        for (parameterName, parameter) in expected {
            parameter.value = try readTensor(weights, parameterName, shape: parameter.shape, file: name, prefetched)
        }
        for (bufferName, buffer) in buffers {
            if buffer.isCount {
                let count = try readSmall(weights, bufferName, as: Int64.self, file: name)
                // Kept in a float tensor, exact up to 2^24 batches (PyTorch reads the counter only
                // for a cumulative moving average, which zoo's momentum 0.1 does not use).
                guard count.count == 1, (0...(1 << 24)).contains(count[0]) else {
                    throw ZooError("\(name): /\(CheckpointLayout.weights)/\(bufferName): expected one integer from 0 to 2^24")
                }
                buffer.value = Tensor(Float(count[0]))
            } else {
                let value = try readTensor(weights, bufferName, shape: buffer.value.shape, file: name, prefetched)
                if buffer.isVariance, let negative = value.scalars.first(where: { $0 < 0 }) {
                    throw ZooError("\(name): /\(CheckpointLayout.weights)/\(bufferName) holds \(negative), expected variances >= 0")
                }
                buffer.value = value
            }
        }
        let extra = try root.openGroup(CheckpointLayout.modelState)
        var extraState: [String: Tensor] = [:]
        for key in try extra.datasetNames() { extraState[key] = try readTensor(extra, key, shape: nil, file: name, prefetched) }
        do { try model.load(extraState: extraState) } catch { throw ZooError("\(name): model_state: \(error)") }

        typealias T = CheckpointLayout.TrainingState
        let state = try root.openGroup(CheckpointLayout.trainingState)
        guard let modelRNG = RandomGenerator(state: try readSmall(state, T.modelRNG, as: UInt64.self, file: name)),
              let dataRNG = RandomGenerator(state: try readSmall(state, T.dataRNG, as: UInt64.self, file: name)) else {
            throw ZooError("\(name): training_state: random generator state is not four non-zero words")
        }
        run.modelGenerator = modelRNG
        run.dataGenerator = dataRNG
        try readOptimizers(root, into: run, file: name, prefetched)
        run.epoch = Int(try state.attributes.int64(T.epoch))
        run.stepInEpoch = Int(try state.attributes.int64(T.stepInEpoch))
        run.globalStep = Int(try state.attributes.int64(T.globalStep))
        run.partialImages = Int(try state.attributes.int64(T.partialImages))
        run.partialSeconds = try state.attributes.double(T.partialSeconds)
        guard run.epoch >= 0, run.stepInEpoch >= 0, run.globalStep >= 0, run.partialImages >= 0 else {
            throw ZooError("\(name): training_state has negative counters")
        }
        guard isDuration(run.partialSeconds) else {
            throw ZooError("\(name): training_state: \(T.partialSeconds) is \(run.partialSeconds), expected a number of seconds")
        }
        let sums = try state.openGroup(T.partialLossSums)
        for key in try sums.datasetNames() {
            let sum = try readSmall(sums, key, as: Double.self, file: name).first ?? 0
            // A run stops at the first non-finite loss, so its sums are finite.
            guard sum.isFinite else { throw ZooError("\(name): training_state/\(T.partialLossSums)/\(key) is \(sum), expected a finite sum of losses") }
            run.partialLossSums[key] = sum
        }
        run.history = try readHistory(try root.openGroup(CheckpointLayout.history), file: name)
        guard run.history.count == run.epoch else {
            throw ZooError("\(name): history has \(run.history.count) epochs, but training_state says \(run.epoch) are done")
        }
        try checkCounters(of: run, file: name)
        return run
    }

    /// The position counters against what a run can reach: a checkpoint taken mid-epoch has
    /// trained `stepInEpoch` full batches of this epoch (only an epoch's last batch can be
    /// short, and its end is saved with the counters reset), and every epoch took a step.
    private static func checkCounters(of run: TrainingRun, file: String) throws {
        typealias T = CheckpointLayout.TrainingState
        let batch = run.settings.batchSize
        // Far beyond any real run (2^40 steps), and small enough that the products below cannot overflow.
        let limit = 1 << 40
        guard run.epoch <= limit, run.stepInEpoch <= limit, run.globalStep <= limit else {
            throw ZooError("\(file): training_state counters (epoch \(run.epoch), step \(run.stepInEpoch), global step \(run.globalStep)) are beyond any run (at most 2^40)")
        }
        guard run.partialImages == run.stepInEpoch * batch else {
            throw ZooError("\(file): training_state: \(T.partialImages) is \(run.partialImages), but \(run.stepInEpoch) steps of batch \(batch) make \(run.stepInEpoch * batch)")
        }
        guard run.globalStep >= run.epoch + run.stepInEpoch else {
            throw ZooError("\(file): training_state: \(T.globalStep) is \(run.globalStep), fewer than the \(run.epoch) epochs and \(run.stepInEpoch) steps it says are done")
        }
    }

    /// The image shape and class names: version 2 stores both; version 1 stored the height and
    /// width of gray images, trained on a dataset whose classes zoo knows.
    private static func readImages(_ root: HDF5Group, version: Int64, settings: TrainingSettings,
                                   file: String) throws -> (ImageShape, [String]) {
        typealias A = CheckpointLayout.Attribute
        let shape: ImageShape
        var classNames = DatasetName(rawValue: settings.dataset.lowercased())?.classNames ?? (0..<10).map(String.init)
        if version == 1 {
            shape = ImageShape(channels: 1, height: Int(try root.attributes.int64(A.imageRows)),
                               width: Int(try root.attributes.int64(A.imageColumns)))
        } else {
            shape = ImageShape(channels: Int(try root.attributes.int64(A.imageChannels)),
                               height: Int(try root.attributes.int64(A.imageHeight)),
                               width: Int(try root.attributes.int64(A.imageWidth)))
            let json = try root.attributes.string(A.classNames)
            guard let names = try? JSONDecoder().decode([String].self, from: Data(json.utf8)), !names.isEmpty,
                  names.count <= 1 << 16 else {
                throw ZooError("\(file): @\(A.classNames) is not a JSON list of class names")
            }
            classNames = names
        }
        let side = 1...CheckpointLayout.maximumImageSide
        guard side.contains(shape.height), side.contains(shape.width), CheckpointLayout.channelCounts.contains(shape.channels) else {
            throw ZooError("\(file): image shape \(shape.channels)x\(shape.height)x\(shape.width) is not valid (channels 1 or 3, sides 1-\(CheckpointLayout.maximumImageSide))")
        }
        return (shape, classNames)
    }

    private static func readOptimizers(_ root: HDF5Group, into run: TrainingRun, file: String,
                                       _ prefetched: TensorPrefetch) throws {
        let group = try root.openGroup(CheckpointLayout.optimizer)
        try checkNames(in: group, expected: Set(run.optimizers.map(\.name)), file: file, groups: true)
        for (optimizerName, optimizer) in run.optimizers {
            let optimizerGroup = try group.openGroup(optimizerName)
            let template = optimizer.state
            var state: [String: Tensor] = [:]
            let byParameter = Dictionary(grouping: template.keys, by: { CheckpointWriter.splitSlot($0).parameter })
            try checkNames(in: optimizerGroup, expected: Set(byParameter.keys), file: file, groups: true)
            for (parameter, keys) in byParameter {
                let parameterGroup = try optimizerGroup.openGroup(parameter)
                try checkNames(in: parameterGroup, expected: Set(keys.map { CheckpointWriter.splitSlot($0).slot }), file: file)
                for key in keys {
                    let slot = CheckpointWriter.splitSlot(key).slot
                    if CheckpointLayout.integerSlots.contains(slot) {
                        let step = try readSmall(parameterGroup, slot, as: Int64.self, file: file)
                        // Optimizers keep their step count in a float tensor: exact up to 2^24, and
                        // rounded beyond, where it changes no update: Adam's bias corrections
                        // are 1 to float precision there for any beta below 1 - 10^-6.
                        guard step.count == 1, (0...(1 << 53)).contains(step[0]) else {
                            throw ZooError("\(file): \(parameterGroup.path)/\(slot): expected one integer from 0 to 2^53")
                        }
                        state[key] = Tensor(Float(step[0]))
                    } else {
                        state[key] = try readTensor(parameterGroup, slot, shape: template[key]!.shape, file: file, prefetched)
                    }
                }
            }
            do { try optimizer.load(state: state) } catch { throw ZooError("\(file): \(error)") }
        }
    }

    private static func readHistory(_ group: HDF5Group, file: String) throws -> [EpochRecord] {
        typealias H = CheckpointLayout.History
        let epochs = try readSmall(group, H.epoch, as: Int64.self, file: file)
        let seconds = try readSmall(group, H.seconds, as: Double.self, file: file)
        func columns(_ name: String) throws -> [String: [Double]] {
            let sub = try group.openGroup(name)
            var result: [String: [Double]] = [:]
            for key in try sub.datasetNames() {
                let values = try readSmall(sub, key, as: Double.self, file: file)
                guard values.count == epochs.count else { throw ZooError("\(file): history/\(name)/\(key) has \(values.count) entries for \(epochs.count) epochs") }
                result[key] = values
            }
            return result
        }
        guard seconds.count == epochs.count else { throw ZooError("\(file): history/seconds has \(seconds.count) entries for \(epochs.count) epochs") }
        if let bad = seconds.first(where: { !isDuration($0) }) { throw ZooError("\(file): history/seconds holds \(bad), expected numbers of seconds") }
        let losses = try columns(H.losses), metrics = try columns(H.metrics)
        return epochs.indices.map { i in
            EpochRecord(epoch: Int(epochs[i]), losses: losses.compactMapValues { $0[i].isNaN ? nil : $0[i] },
                        metrics: metrics.compactMapValues { $0[i].isNaN ? nil : $0[i] }, seconds: seconds[i])
        }
    }

    /// A float32 tensor, checked for shape (when given) and for NaN or infinity: the one read
    /// ahead if there is one (with the error reading it gave), else read now.
    private static func readTensor(_ group: HDF5Group, _ key: String, shape: [Int]?, file: String,
                                   _ prefetched: TensorPrefetch) throws -> Tensor {
        let path = group.path == "/" ? "/\(key)" : "\(group.path)/\(key)"
        if let entry = prefetched.take(path) {
            if let shape, entry.shape != shape {
                throw ZooError("\(file): \(path) has shape \(entry.shape), expected \(shape)")
            }
            let tensor = try entry.tensor.get()
            guard entry.isFinite else { throw ZooError("\(file): \(path) contains NaN or infinite values") }
            return tensor
        }
        let dataset: HDF5Dataset
        do {
            dataset = try group.openDataset(key)
        } catch let error as HDF5Error where error.kind == .notFound || error.kind == .typeMismatch {
            throw ZooError("\(file): \(try describeAbsent(key, in: group, expected: "tensor"))")
        }
        if let shape, dataset.shape != shape {
            throw ZooError("\(file): \(path) has shape \(dataset.shape), expected \(shape)")
        }
        // A shape the file declares is allocated before it is read; no zoo tensor is larger.
        guard dataset.count <= CheckpointLayout.maximumTensorElements else {
            throw ZooError("\(file): \(path) has shape \(dataset.shape), larger than any tensor zoo writes")
        }
        let tensor = try Tensor(shape: dataset.shape) { out in
            try dataset.read(into: UnsafeMutableBufferPointer(start: out, count: dataset.count))
        }
        guard tensor.isFinite else { throw ZooError("\(file): \(path) contains NaN or infinite values") }
        return tensor
    }

    /// The values of a small dataset (counters, random states, history columns), refused
    /// before reading when the file declares more than any checkpoint holds.
    private static func readSmall<T: HDF5Element>(_ group: HDF5Group, _ key: String, as type: T.Type, file: String) throws -> [T] {
        let dataset = try group.openDataset(key)
        guard dataset.count <= 1 << 20 else {
            throw ZooError("\(file): \(dataset.path) has shape \(dataset.shape), far more entries than a checkpoint holds")
        }
        return try dataset.read(as: T.self)
    }

    /// A time a run could have taken: finite, not negative, and under a century.
    private static func isDuration(_ seconds: Double) -> Bool { (0...3.2e9).contains(seconds) }

    /// The root's `format` attribute; nil when there is none or it is not a string (some other
    /// HDF5 file). A damaged file is reported as such, not as a foreign one.
    private static func formatName(_ root: HDF5Group) throws -> String? {
        let attribute = CheckpointLayout.Attribute.format
        guard try root.attributes.contains(attribute) else { return nil }
        do {
            return try root.attributes.string(attribute)
        } catch let error as HDF5Error where error.kind == .typeMismatch {
            return nil
        }
    }

    /// Refuses a file that is not a plain tree of groups and datasets. zoo never writes a link
    /// (soft, external, or a second hard one) or a named datatype; reading past one could loop
    /// for ever (a group inside itself), leave the file, or find a type where a tensor belongs.
    private static func requirePlainTree(_ file: HDF5File, name: String) throws {
        if let problem = try file.root.firstIrregularity() {
            throw ZooError("\(name): \(problem.path) \(problem): zoo checkpoints hold no links or named datatypes, only groups and datasets, each under one name")
        }
    }

    /// "missing tensor /weights/x", or, when something else has that name, what it is:
    /// "/weights/x is a group, expected a tensor".
    private static func describeAbsent(_ member: String, in group: HDF5Group, expected: String) throws -> String {
        let path = group.path == "/" ? "/" + member : group.path + "/" + member
        switch try group.kind(of: member) {
        case nil: return "missing \(expected) \(path)"
        case .group?: return "\(path) is a group, expected a \(expected)"
        case .dataset?: return "\(path) is a tensor, expected a \(expected)"
        case .other?: return "\(path) is neither a group nor a tensor, expected a \(expected)"
        }
    }

    /// Fails on a missing or an unexpected member, naming it.
    private static func checkNames(in group: HDF5Group, expected: Set<String>, file: String, groups: Bool = false) throws {
        let present = Set(try groups ? group.groupNames() : group.datasetNames())
        let prefix = group.path == "/" ? "/" : group.path + "/"
        if let missing = expected.subtracting(present).sorted().first {
            throw ZooError("\(file): \(try describeAbsent(missing, in: group, expected: groups ? "group" : "tensor"))")
        }
        if let extra = present.subtracting(expected).sorted().first {
            throw ZooError("\(file): unexpected \(groups ? "group" : "tensor") \(prefix)\(extra) (not part of this \(CheckpointLayout.formatName))")
        }
        // A member of the other kind (a group among tensors) has no place here either.
        if let stray = Set(try group.children()).subtracting(present).sorted().first {
            let kind = try group.kind(of: stray) == .group ? "group" : "tensor"
            throw ZooError("\(file): unexpected \(kind) \(prefix)\(stray) (not part of this \(CheckpointLayout.formatName))")
        }
    }
}

/// A dataset stored in a checkpoint, as `zoo inspect` lists it.
public struct StoredTensor: Sendable {
    public let path: String
    public let shape: [Int]
    public let type: String
    public let storedBytes: Int
}

/// Who wrote a checkpoint, and when: informational attributes the reader does not check.
public struct CheckpointOrigin: Sendable {
    public let formatVersion: Int
    public let zooVersion: String?
    public let created: String?
}

/// What `zoo inspect` shows.
public struct CheckpointContents {
    public let run: TrainingRun
    public let origin: CheckpointOrigin
    public let tensors: [StoredTensor]
}

extension CheckpointReader {
    static func origin(_ file: HDF5File) throws -> CheckpointOrigin {
        let attributes = file.root.attributes
        typealias A = CheckpointLayout.Attribute
        return CheckpointOrigin(formatVersion: Int(try attributes.int64(A.formatVersion)),
                                zooVersion: try? attributes.string(A.zooVersion), created: try? attributes.string(A.created))
    }

    /// Every dataset in the file, depth first, in name order.
    static func listTensors(_ file: HDF5File) throws -> [StoredTensor] {
        var found: [StoredTensor] = []
        func walk(_ group: HDF5Group) throws {
            for child in try group.children() {
                switch try group.kind(of: child) {
                case .group?: try walk(try group.openGroup(child))
                case .dataset?:
                    let dataset = try group.openDataset(child)
                    found.append(StoredTensor(path: dataset.path, shape: dataset.shape,
                                              type: dataset.elementType?.rawValue ?? dataset.storedTypeDescription,
                                              storedBytes: dataset.storedBytes))
                default: break
                }
            }
        }
        try walk(file.root)
        return found
    }
}
