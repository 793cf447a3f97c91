import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// Shared fixtures for the checkpoint tests: tiny models, a small MNIST subset, temp folders.
enum CheckpointFixtures {
    /// Tiny hyper-parameters per built-in model, so every test runs in milliseconds.
    static let tinyHyperparameters: [String: String] = [
        "ae": #"{"hidden":[32],"latent":4}"#,
        "vae": #"{"hidden":[32],"latent":4}"#,
        "gan": #"{"hidden":[16,32],"latent":8,"leakySlope":0.2,"inversionSteps":5}"#,
        "tinyconv": #"{"dropout":0.1,"latent":4,"width":4}"#,
        "classifier": #"{"channels":[4,8],"dropout":0.5,"features":16}"#,
        "dcgan": #"{"discriminatorChannels":[4,8],"generatorChannels":[8,8,4],"inversionSteps":5,"latent":8}"#,
        "convvae": #"{"channels":[4,8],"dense":8,"latent":4,"beta":2}"#,
        "cvae": #"{"channels":[4,8],"dense":8,"latent":4}"#,
        "cgan": #"{"discriminatorChannels":[4,8],"generatorChannels":[8,8,4],"inversionSteps":5,"latent":8}"#,
    ]
    /// The built-in models (the classifier has batch norm and dropout too), and a convolutional
    /// autoencoder with batch norm and dropout (buffers, modes).
    static let models = ["ae", "vae", "gan", "classifier", "tinyconv", "dcgan", "convvae", "cvae", "cgan"]

    private static let registered: Void = { ModelRegistry.register(builtinModels + [TinyConvAutoEncoder.self]) }()
    static func registerModels() { _ = registered }

    /// The MNIST training images cut to `count`, and 200 test images.
    nonisolated(unsafe) private static var cached: (train: ImageSet, test: ImageSet)?
    private static let lock = NSLock()
    static func data(train count: Int = 512) throws -> (train: ImageSet, test: ImageSet) {
        try lock.withLock {
            if cached == nil {
                let d = try ImageDataset.load(.mnist)
                cached = (ImageSet(d, .train).prefix(4096), ImageSet(d, .test).prefix(200))
            }
            return (cached!.train.prefix(count), cached!.test)
        }
    }

    /// A fresh run of the tiny `model`.
    static func start(_ model: String, epochs: Int = 4, batchSize: Int = 64, limit: Int = 512, seed: UInt64 = 7) throws -> TrainingRun {
        registerModels()
        return try TrainingRun.start(try ModelRegistry.model(named: model), hyperparametersJSON: tinyHyperparameters[model]!,
                                     settings: TrainingSettings(epochs: epochs, batchSize: batchSize, seed: seed, limit: limit))
    }

    /// A tiny run of `model` trained for `epochs` epochs (and `steps` more batches if given).
    static func trained(_ model: String, epochs: Int = 1, steps: Int = 0, limit: Int = 256) throws -> TrainingRun {
        let run = try start(model, epochs: epochs + 1, limit: limit)
        let data = try data(train: limit)
        for _ in 0..<epochs { try run.trainEpoch(train: data.train, test: data.test) }
        if steps > 0 {
            struct Stop: Error {}
            do {
                try run.trainEpoch(train: data.train, test: data.test, checkpointEvery: 1, checkpoint: { run in
                    if run.stepInEpoch >= steps { throw Stop() }
                })
            } catch is Stop {}
        }
        return run
    }
}

/// A test case with a fresh temporary folder, removed afterwards.
class CheckpointTestCase: XCTestCase {
    private(set) var folder: URL!
    private var threads = 0

    override func setUpWithError() throws {
        CheckpointFixtures.registerModels()
        // One thread: the tiny models gain nothing from two, and on a busy two-core machine
        // two threads make them 10-50x slower. Same thread count, same bits: exactness holds.
        threads = ComputeThreads.count
        ComputeThreads.set(1)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-ckpt-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        ComputeThreads.set(threads)
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// Prints each built-in model's parameter names and shapes (default hyper-parameters), the
/// source of the lists in Checkpoints/FORMAT.md.
final class CheckpointParameterNamesTests: CheckpointTestCase {
    func testPrintDefaultParameterNames() throws {
        for model in ModelRegistry.all {
            let run = try TrainingRun.start(model, hyperparametersJSON: model.defaultHyperparametersJSON, settings: model.defaultTraining)
            print("== \(model.name) \(model.defaultHyperparametersJSON)")
            for (name, parameter) in run.model.namedParameters { print("  \(name) \(parameter.shape)") }
            print("  optimizers: \(run.optimizers.map(\.name))")
            print("  extra: \(run.model.extraState.mapValues(\.shape))")
        }
    }
}

// MARK: - Comparing runs

enum CheckpointCompare {
    /// Asserts two runs hold bit-identical weights, optimizer state, model state, random
    /// streams, counters and history. `timing` also compares the measured seconds, which only
    /// a save/load round trip (not a re-run) reproduces.
    static func assertIdentical(_ a: TrainingRun, _ b: TrainingRun, timing: Bool, _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.modelType.name, b.modelType.name, "\(what): model", file: file, line: line)
        XCTAssertEqual(a.model.hyperparametersJSON, b.model.hyperparametersJSON, "\(what): hyper-parameters", file: file, line: line)
        XCTAssertEqual(a.settings, b.settings, "\(what): settings", file: file, line: line)
        XCTAssertEqual(a.imageShape, b.imageShape, "\(what): image shape", file: file, line: line)
        XCTAssertEqual(a.classNames, b.classNames, "\(what): class names", file: file, line: line)

        let wa = a.model.namedParameters, wb = b.model.namedParameters
        XCTAssertEqual(wa.map(\.name), wb.map(\.name), "\(what): parameter names", file: file, line: line)
        for (x, y) in zip(wa, wb) {
            XCTAssertTrue(x.parameter.value.isIdentical(to: y.parameter.value), "\(what): weight \(x.name) differs", file: file, line: line)
        }
        XCTAssertEqual(a.optimizers.map(\.name), b.optimizers.map(\.name), "\(what): optimizers", file: file, line: line)
        for (x, y) in zip(a.optimizers, b.optimizers) {
            let sa = x.optimizer.state, sb = y.optimizer.state
            XCTAssertEqual(Set(sa.keys), Set(sb.keys), "\(what): optimizer \(x.name) slots", file: file, line: line)
            XCTAssertFalse(sa.isEmpty, "\(what): optimizer \(x.name) has no state", file: file, line: line)
            for (key, tensor) in sa {
                XCTAssertTrue(sb[key].map(tensor.isIdentical) ?? false, "\(what): optimizer \(x.name) \(key) differs", file: file, line: line)
            }
        }
        let ba = a.model.namedBuffers, bb = b.model.namedBuffers
        XCTAssertEqual(ba.map(\.name), bb.map(\.name), "\(what): buffer names", file: file, line: line)
        for (x, y) in zip(ba, bb) {
            XCTAssertTrue(x.buffer.value.isIdentical(to: y.buffer.value), "\(what): buffer \(x.name) differs", file: file, line: line)
        }
        let ea = a.model.extraState, eb = b.model.extraState
        XCTAssertEqual(Set(ea.keys), Set(eb.keys), "\(what): model state names", file: file, line: line)
        for (key, tensor) in ea {
            XCTAssertTrue(eb[key].map(tensor.isIdentical) ?? false, "\(what): model state \(key) differs", file: file, line: line)
        }
        XCTAssertEqual(a.modelGenerator, b.modelGenerator, "\(what): model RNG", file: file, line: line)
        XCTAssertEqual(a.dataGenerator, b.dataGenerator, "\(what): data RNG", file: file, line: line)
        XCTAssertEqual([a.epoch, a.stepInEpoch, a.globalStep, a.partialImages],
                       [b.epoch, b.stepInEpoch, b.globalStep, b.partialImages], "\(what): counters", file: file, line: line)
        XCTAssertEqual(a.partialLossSums.mapValues(\.bitPattern), b.partialLossSums.mapValues(\.bitPattern),
                       "\(what): partial loss sums", file: file, line: line)
        XCTAssertEqual(a.history.count, b.history.count, "\(what): history length", file: file, line: line)
        for (x, y) in zip(a.history, b.history) {
            XCTAssertEqual(x.epoch, y.epoch, "\(what): history epoch", file: file, line: line)
            XCTAssertEqual(x.losses.mapValues(\.bitPattern), y.losses.mapValues(\.bitPattern), "\(what): history losses of epoch \(x.epoch)", file: file, line: line)
            XCTAssertEqual(x.metrics.mapValues(\.bitPattern), y.metrics.mapValues(\.bitPattern), "\(what): history metrics of epoch \(x.epoch)", file: file, line: line)
            if timing { XCTAssertEqual(x.seconds.bitPattern, y.seconds.bitPattern, "\(what): history seconds", file: file, line: line) }
        }
        if timing { XCTAssertEqual(a.partialSeconds.bitPattern, b.partialSeconds.bitPattern, "\(what): partial seconds", file: file, line: line) }
    }
}

// MARK: - Checkpoint files as editable trees

/// A checkpoint file's whole contents (groups, attributes, datasets) read into memory through
/// ZooHDF5, so a test can alter one thing and write the variant back with ZooHDF5.
struct CheckpointTree {
    enum Attribute: Equatable {
        case string(String), int64(Int64), double(Double)
    }
    enum Values: Equatable {
        case float32([Float]), float64([Double]), int64([Int64]), uint64([UInt64])
    }
    struct Dataset: Equatable {
        var values: Values
        var shape: [Int]
    }

    /// Group paths (absolute, "/" excluded).
    var groups: Set<String> = []
    /// Attributes by object path ("/" for the root).
    var attributes: [String: [String: Attribute]] = [:]
    /// Datasets by absolute path.
    var datasets: [String: Dataset] = [:]

    init() {}

    init(reading path: String) throws {
        let file = try HDF5File.open(path)
        try walk(file.root)
    }

    private mutating func walk(_ group: HDF5Group) throws {
        attributes[group.path] = try Self.readAttributes(group.attributes)
        for child in try group.children() {
            switch try group.kind(of: child) {
            case .group?:
                let sub = try group.openGroup(child)
                groups.insert(sub.path)
                try walk(sub)
            case .dataset?:
                let dataset = try group.openDataset(child)
                let values: Values
                switch dataset.elementType {
                case .float32?: values = .float32(try dataset.read(as: Float.self))
                case .float64?: values = .float64(try dataset.read(as: Double.self))
                case .int64?: values = .int64(try dataset.read(as: Int64.self))
                case .uint64?: values = .uint64(try dataset.read(as: UInt64.self))
                default: throw ZooError("\(dataset.path): unexpected type \(dataset.storedTypeDescription)")
                }
                datasets[dataset.path] = Dataset(values: values, shape: dataset.shape)
                let own = try Self.readAttributes(dataset.attributes)
                if !own.isEmpty { attributes[dataset.path] = own }
            default:
                throw ZooError("\(group.path)/\(child): neither group nor dataset")
            }
        }
    }

    private static func readAttributes(_ attributes: HDF5Attributes) throws -> [String: Attribute] {
        var result: [String: Attribute] = [:]
        for name in try attributes.names() {
            if let s = try? attributes.string(name) { result[name] = .string(s) }
            else if let i = try? attributes.int64(name) { result[name] = .int64(i) }
            else { result[name] = .double(try attributes.double(name)) }
        }
        return result
    }

    /// Writes the tree as a new HDF5 file (not atomically: tests only).
    func write(to path: String, options: HDF5WriteOptions = .default) throws {
        let file = try HDF5File.create(path)
        let root = file.root
        for group in groups.sorted() where try !root.exists(group) { _ = try root.createGroup(group) }
        for (path, dataset) in datasets.sorted(by: { $0.key < $1.key }) {
            switch dataset.values {
            case .float32(let v): try root.write(path, v, shape: dataset.shape, options: options)
            case .float64(let v): try root.write(path, v, shape: dataset.shape, options: options)
            case .int64(let v): try root.write(path, v, shape: dataset.shape, options: options)
            case .uint64(let v): try root.write(path, v, shape: dataset.shape, options: options)
            }
        }
        for (path, attributes) in attributes.sorted(by: { $0.key < $1.key }) where !attributes.isEmpty {
            let target: HDF5Attributes
            switch try root.kind(of: path) {
            case .group?: target = path == "/" ? root.attributes : try root.openGroup(path).attributes
            case .dataset?: target = try root.openDataset(path).attributes
            default: continue  // the object was removed from the tree
            }
            for (name, value) in attributes {
                switch value {
                case .string(let s): try target.set(name, s)
                case .int64(let i): try target.set(name, i)
                case .double(let d): try target.set(name, d)
                }
            }
        }
        try file.close()
    }

    /// Removes a dataset or a group with everything below it.
    mutating func remove(_ path: String) {
        datasets = datasets.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
        groups = groups.filter { $0 != path && !$0.hasPrefix(path + "/") }
        attributes = attributes.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
    }

    /// The float32 values of a dataset.
    func floats(_ path: String) -> [Float] {
        guard case .float32(let v)? = datasets[path]?.values else { return [] }
        return v
    }
}

// MARK: - Errors

extension XCTestCase {
    /// Runs `body`, expecting a one-line error whose description contains every one of
    /// `fragments` (case-insensitively); returns the description.
    @discardableResult
    func expectCheckpointError<R>(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                                  _ body: () throws -> R) -> String? {
        do {
            _ = try body()
            XCTFail("expected an error mentioning \(fragments), but it succeeded", file: file, line: line)
            return nil
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(error is ZooError, "not a ZooError: \(type(of: error)) \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), "not one line: \(text)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(text.lowercased().contains(fragment.lowercased()), "'\(text)' does not mention '\(fragment)'", file: file, line: line)
            }
            return text
        }
    }
}

// MARK: - The zoo executable

extension CheckpointFixtures {
    /// The `zoo` binary built with the tests (`swift build --build-tests` builds it into the
    /// same products folder as the test bundle).
    static func zooExecutable() throws -> URL {
        var folders = [Bundle(for: CheckpointTestCase.self).bundleURL, Bundle.main.bundleURL,
                       Bundle(for: CheckpointTestCase.self).bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        for folder in folders {
            let candidate = folder.appendingPathComponent("zoo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ZooError("no zoo executable next to the tests (looked in \(folders.map(\.path))); build with --build-tests")
    }

    /// Runs `zoo arguments` to completion or `timeout`; returns the exit status (or -signal,
    /// or nil on timeout, after killing it) and the combined output.
    static func runZoo(_ arguments: [String], timeout: Double = 60) throws -> (status: Int32?, output: String) {
        let process = Process()
        process.executableURL = try zooExecutable()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        var timedOut = false
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            timedOut = true
        }
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if timedOut { return (nil, output) }
        return (process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus, output)
    }
}
