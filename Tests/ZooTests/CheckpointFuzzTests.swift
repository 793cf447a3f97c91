import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// Random damage to a small checkpoint file never crashes the reader: each load either fails
/// with a one-line error naming the file, or succeeds with exactly the weights, optimizer
/// state and model state that were saved.
final class CheckpointFuzzTests: CheckpointTestCase {
    /// A small trained VAE checkpoint (about 170 kB) and its bytes.
    private func smallCheckpoint() throws -> (run: TrainingRun, bytes: [UInt8]) {
        let run = try TrainingRun.start(try ModelRegistry.model(named: "vae"), hyperparametersJSON: #"{"hidden":[8],"latent":2}"#,
                                        settings: TrainingSettings(epochs: 3, batchSize: 64, seed: 5, limit: 256))
        let data = try CheckpointFixtures.data(train: 256)
        try run.trainEpoch(train: data.train, test: data.test)
        struct Stop: Error {}
        do {
            try run.trainEpoch(train: data.train, test: data.test, checkpointEvery: 1, checkpoint: { _ in throw Stop() })
        } catch is Stop {}
        return (run, try CheckpointWriter.encode(run))
    }

    /// The byte ranges holding chunked datasets' data (with their Fletcher-32 word), found by
    /// searching the file for each tensor's leading bytes.
    private func dataRanges(_ bytes: [UInt8], _ file: String) throws -> [Range<Int>] {
        let tree = try CheckpointTree(reading: file)
        var ranges: [Range<Int>] = []
        for (_, dataset) in tree.datasets where !dataset.shape.isEmpty {
            let raw: [UInt8]
            switch dataset.values {
            case .float32(let v): raw = v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            case .float64(let v): raw = v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            case .int64(let v): raw = v.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
            case .uint64(let v): raw = v.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
            }
            // A window of the data that starts at its first non-zero byte (leading zeros, as in
            // the moments of always-black border pixels, are not unique).
            guard let first = raw.firstIndex(where: { $0 != 0 }), raw.count - first >= 16 else { continue }
            let needle = Array(raw[first..<min(first + 64, raw.count)])
            guard let found = CheckpointBytes.find(needle, in: bytes), found >= first,
                  CheckpointBytes.find(needle, in: bytes, from: found + 1) == nil else { continue }
            let start = found - first
            ranges.append(start..<(start + raw.count + 4))
        }
        return ranges
    }

    enum Outcome: Hashable { case refused(String), identical, changed(String) }

    /// Loads `bytes` from a file and classifies the result; fails the test on a malformed error
    /// or a loaded model with bad weights.
    private func load(_ bytes: [UInt8], original: TrainingRun, what: String) throws -> Outcome {
        let file = path("fuzz.h5")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let run: TrainingRun
        do {
            run = try CheckpointReader.load(file)
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(error is ZooError, "\(what): \(type(of: error)): \(text)")
            XCTAssertFalse(text.contains("\n"), "\(what): error is not one line: \(text)")
            XCTAssertTrue(text.hasPrefix(file + ": "), "\(what): error does not name the file: \(text)")
            XCTAssertLessThan(text.count, 400, "\(what): error too long: \(text)")
            Self.trace("\(what): \(text)")
            return .refused(Self.category(text))
        }
        for (name, parameter) in run.model.namedParameters {
            XCTAssertTrue(parameter.value.isFinite, "\(what): \(name) not finite")
        }
        XCTAssertEqual(run.model.namedParameters.map(\.parameter.shape), original.model.namedParameters.map(\.parameter.shape), what)
        let difference = Self.firstDifference(original, run)
        Self.trace("\(what): loaded, \(difference ?? "identical")")
        return difference.map { .changed($0) } ?? .identical
    }

    /// With ZOO_FUZZ_VERBOSE=1, one line per load on stderr (unbuffered, so a hang shows where).
    static func trace(_ line: String) {
        guard ProcessInfo.processInfo.environment["ZOO_FUZZ_VERBOSE"] != nil else { return }
        FileHandle.standardError.write(Data("fuzz: \(line)\n".utf8))
    }

    /// The byte range of an HDF5 global heap collection ("GCOL"), where variable-length strings
    /// live, or nil if the file has none (zoo's own checkpoints have none).
    static func globalHeap(_ bytes: [UInt8]) -> Range<Int>? {
        guard let start = CheckpointBytes.find(Array("GCOL".utf8), in: bytes), start + 16 <= bytes.count else { return nil }
        let size = (0..<8).reduce(0) { $0 | Int(bytes[start + 8 + $1]) << (8 * $1) }
        return start..<min(bytes.count, start + max(size, 16))
    }

    static func category(_ message: String) -> String {
        for key in ["checksum mismatch (data", "metadata checksum", "truncated", "not an HDF5", "not a zoo checkpoint",
                    "unknown model", "hyper-parameters", "training settings", "has shape", "type mismatch",
                    "NaN", "no such", "missing", "unexpected", "newer"] where message.contains(key) {
            return key
        }
        return String(message.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces)
    }

    static func firstDifference(_ a: TrainingRun, _ b: TrainingRun) -> String? {
        if a.settings != b.settings { return "training settings" }
        if a.model.hyperparametersJSON != b.model.hyperparametersJSON { return "hyper-parameters" }
        if a.imageShape != b.imageShape || a.classNames != b.classNames { return "image shape or classes" }
        for (x, y) in zip(a.model.namedParameters, b.model.namedParameters) where !x.parameter.value.isIdentical(to: y.parameter.value) {
            return "weight \(x.name)"
        }
        for (x, y) in zip(a.optimizers, b.optimizers) {
            let sb = y.optimizer.state
            for (key, tensor) in x.optimizer.state where !(sb[key].map(tensor.isIdentical) ?? false) { return "optimizer \(key)" }
        }
        let ea = a.model.extraState, eb = b.model.extraState
        if Set(ea.keys) != Set(eb.keys) || ea.contains(where: { !(eb[$0.key].map($0.value.isIdentical) ?? false) }) {
            return "model state"
        }
        if a.modelGenerator != b.modelGenerator || a.dataGenerator != b.dataGenerator { return "random state" }
        if [a.epoch, a.stepInEpoch, a.globalStep, a.partialImages] != [b.epoch, b.stepInEpoch, b.globalStep, b.partialImages] { return "counters" }
        if a.partialSeconds.bitPattern != b.partialSeconds.bitPattern { return "partial seconds" }
        if a.partialLossSums.mapValues(\.bitPattern) != b.partialLossSums.mapValues(\.bitPattern) { return "partial loss sums" }
        if a.history != b.history { return "history" }
        return nil
    }

    private func report(_ title: String, _ outcomes: [Outcome]) {
        var counts: [String: Int] = [:]
        for outcome in outcomes {
            switch outcome {
            case .refused(let category): counts["refused: \(category)", default: 0] += 1
            case .identical: counts["loaded, identical (harmless)", default: 0] += 1
            case .changed(let what): counts["loaded, CHANGED \(what)", default: 0] += 1
            }
        }
        print("\(title): \(outcomes.count) loads")
        for (key, count) in counts.sorted(by: { $0.value > $1.value }) { print("  \(count)\t\(key)") }
    }

    /// ~200 single-bit flips anywhere in the file, then 200 more outside the tensors' data
    /// (headers, B-trees, heaps, padding), where the parser itself is exercised. With
    /// ZOO_FUZZ_EXHAUSTIVE=1 in the environment, also flips one bit of every byte outside the
    /// tensor data (about 23,000 loads, a minute or two; not part of the normal run).
    ///
    /// Every flip is either refused or harmless: the file has no unchecksummed metadata (no
    /// global heap, see testCheckpointsHaveNoGlobalHeap) and the reader reports a damaged
    /// object as damaged, never as a missing member it may skip.
    func testRandomBitFlips() throws {
        let environment = ProcessInfo.processInfo.environment
        let (run, bytes) = try smallCheckpoint()
        XCTAssertNil(Self.globalHeap(bytes), "the checkpoint has an unchecksummed global heap")
        let original = path("original.h5")
        try Data(bytes).write(to: URL(fileURLWithPath: original))
        let ranges = try dataRanges(bytes, original)
        let dataBytes = ranges.reduce(0) { $0 + $1.count }
        XCTAssertGreaterThan(dataBytes, bytes.count * 3 / 4, "found too little tensor data in the file")
        let metadata = (0..<bytes.count).filter { offset in !ranges.contains { $0.contains(offset) } }
        print("file \(bytes.count) bytes: \(dataBytes) in \(ranges.count) chunked datasets, \(metadata.count) other")

        var generator = RandomGenerator(seed: 0xF1_15)
        var flips: [(offset: Int, bit: UInt8)] = (0..<400).map { i in
            let offset = i < 200 ? generator.integer(below: bytes.count) : metadata[generator.integer(below: metadata.count)]
            return (offset, UInt8(1) << UInt8(generator.integer(below: 8)))
        }
        if environment["ZOO_FUZZ_EXHAUSTIVE"] != nil {
            flips += metadata.map { ($0, UInt8(1) << UInt8(generator.integer(below: 8))) }
        }
        var anywhere: [Outcome] = [], outside: [Outcome] = [], inData: [Outcome] = [], exhaustive: [Outcome] = []
        for (i, flip) in flips.enumerated() {
            var damaged = bytes
            damaged[flip.offset] ^= flip.bit
            let what = "bit \(flip.bit) of byte \(flip.offset)"
            let outcome = try load(damaged, original: run, what: what)
            switch i {
            case ..<200: anywhere.append(outcome)
            case ..<400: outside.append(outcome)
            default: exhaustive.append(outcome)
            }
            if ranges.contains(where: { $0.contains(flip.offset) }) {
                inData.append(outcome)
                // A flip inside stored tensor data is always caught by Fletcher-32.
                XCTAssertEqual(outcome, Outcome.refused("checksum mismatch (data"), "\(what) in tensor data")
            }
            // Anywhere else, a flip is refused (metadata checksums; a damaged object is not
            // taken for a missing one) or lands where nothing reads it (free space, padding).
            if case .changed(let change) = outcome { XCTFail("\(what): loaded, but silently changed \(change)") }
        }
        report("random flips anywhere", anywhere)
        report("random flips outside tensor data", outside)
        report("flips that hit tensor data (both sets)", inData)
        if !exhaustive.isEmpty { report("one flip in every byte outside tensor data", exhaustive) }
    }

    /// Cut at every class of length: nothing, inside the signature, at and around the superblock
    /// (48 bytes in the v3 format), at quarters, one byte short, and 64 lengths spread evenly.
    func testTruncation() throws {
        let (run, bytes) = try smallCheckpoint()
        let n = bytes.count
        var lengths: Set<Int> = [0, 1, 7, 8, 9, 12, 16, 24, 40, 47, 48, 49, 64, 100, 512, 4096,
                                 n / 4, n / 2, n * 99 / 100, n - 4, n - 1]
        for i in 1..<64 { lengths.insert(n * i / 64) }
        var outcomes: [Outcome] = []
        for length in lengths.sorted() {
            let outcome = try load(Array(bytes.prefix(length)), original: run, what: "cut at \(length)")
            outcomes.append(outcome)
            guard case .refused(let category) = outcome else {
                XCTFail("a file cut at \(length) of \(n) bytes loaded")
                continue
            }
            XCTAssertEqual(category, length < 8 ? "not an HDF5" : "truncated", "cut at \(length)")
        }
        report("truncations", outcomes)
    }

    /// zoo writes its string attributes (model, hyper-parameters, training settings, ...) as
    /// fixed-length strings, which sit in checksummed metadata: no checkpoint has a global heap,
    /// the unchecksummed store of variable-length strings on whose damage libhdf5 1.10.8
    /// segfaults or loops forever. (The opt-in ZOO_FUZZ_GLOBAL_HEAP mode that flipped bits in
    /// that heap has nothing left to flip.) And every byte of those strings is checksummed:
    /// each flip in the hyper-parameters' or the training settings' bytes is refused.
    func testCheckpointsHaveNoGlobalHeap() throws {
        for model in CheckpointFixtures.models {
            let run = try CheckpointFixtures.trained(model, epochs: 1, steps: 1, limit: 128)
            let bytes = try CheckpointWriter.encode(run)
            XCTAssertNil(Self.globalHeap(bytes), "\(model): the checkpoint has a global heap (\"GCOL\")")
            guard model == "vae" else { continue }
            let file = path("strings.h5")
            for text in [run.model.hyperparametersJSON, JSONText.encode(run.settings)] {
                let needle = Array(text.utf8)
                let start = try XCTUnwrap(CheckpointBytes.find(needle, in: bytes), "\(text) is not stored as its UTF-8 bytes")
                for offset in start..<(start + needle.count) {
                    var damaged = bytes
                    damaged[offset] ^= 0x20
                    try Data(damaged).write(to: URL(fileURLWithPath: file))
                    expectCheckpointError([file, "metadata checksum mismatch"]) { try CheckpointReader.load(file) }
                }
            }
        }
    }
}
