import Foundation
import XCTest
import ZooHDF5
import ZooModels
@testable import Zoo

/// Opt-in (ZOO_CHECKPOINT_SPEED=1): how long saving and loading the default VAE with its Adam
/// state takes, as the median of 20 runs, with the parts of each. Prints numbers only; the
/// machine is shared, so no bound is asserted. ZOO_CHECKPOINT_SPEED_REPEATS sets the runs,
/// ZOO_CHECKPOINT_SPEED_DUMP=path writes the checkpoint's bytes there, and
/// ZOO_CHECKPOINT_SPEED_PROFILE=encode|load|load1 only repeats that (for `perf record`).
final class CheckpointSpeedTests: CheckpointTestCase {
    func testSaveAndLoadSpeed() throws {
        guard ProcessInfo.processInfo.environment["ZOO_CHECKPOINT_SPEED"] != nil else {
            throw XCTSkip("set ZOO_CHECKPOINT_SPEED=1 to measure checkpoint save and load times")
        }
        let vae = try ModelRegistry.model(named: "vae")
        let run = try TrainingRun.start(vae, hyperparametersJSON: vae.defaultHyperparametersJSON,
                                        settings: TrainingSettings(epochs: 2, batchSize: 128, seed: 1, limit: 256))
        // One real step, so the Adam moments are not all zeros.
        let data = try CheckpointFixtures.data(train: 256)
        struct Stop: Error {}
        do {
            try run.trainEpoch(train: data.train, test: data.test, checkpointEvery: 1, checkpoint: { _ in throw Stop() })
        } catch is Stop {}

        let file = path("vae.h5")
        let repeats = Int(ProcessInfo.processInfo.environment["ZOO_CHECKPOINT_SPEED_REPEATS"] ?? "") ?? 20
        let clock = ContinuousClock()
        func median(_ body: () throws -> Void) rethrows -> Double {
            try body()  // warm-up
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = clock.now
                try body()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
            return times.sorted()[times.count / 2]
        }
        let bytes = try CheckpointWriter.encode(run)
        if let dump = ProcessInfo.processInfo.environment["ZOO_CHECKPOINT_SPEED_DUMP"] {
            try Data(bytes).write(to: URL(fileURLWithPath: dump))
        }
        // ZOO_CHECKPOINT_SPEED_PROFILE=load (load1: on one thread) or =encode: only that, many
        // times (for perf record).
        switch ProcessInfo.processInfo.environment["ZOO_CHECKPOINT_SPEED_PROFILE"] {
        case "load"?, "load1"?:
            let readsAhead = CheckpointReader.readsAhead
            CheckpointReader.readsAhead = ProcessInfo.processInfo.environment["ZOO_CHECKPOINT_SPEED_PROFILE"] == "load"
            defer { CheckpointReader.readsAhead = readsAhead }
            try CheckpointWriter.save(run, to: file)
            for _ in 0..<repeats { _ = try CheckpointReader.load(file) }
            return
        case "encode"?:
            for _ in 0..<repeats { _ = try CheckpointWriter.encode(run) }
            return
        default: break
        }
        let save = try median { try CheckpointWriter.save(run, to: file) }
        let encode = try median { _ = try CheckpointWriter.encode(run) }
        let write = try median { try AtomicFile.write(bytes, to: path("raw.h5")) }
        let load = try median { _ = try CheckpointReader.load(file) }
        let readsAhead = CheckpointReader.readsAhead
        CheckpointReader.readsAhead = false
        let loadOneThread = try median { _ = try CheckpointReader.load(file) }
        CheckpointReader.readsAhead = readsAhead
        var generator = RandomGenerator(seed: 0)
        let build = try median {
            let model = try vae.make(hyperparametersJSON: vae.defaultHyperparametersJSON, imageShape: .mnist, classCount: 10, generator: &generator)
            _ = model.makeOptimizers(run.settings)
        }
        let tensors = run.model.namedParameters.map(\.parameter.value) + run.optimizers.flatMap { $0.optimizer.state.values }
        let finite = median { for tensor in tensors { XCTAssertTrue(tensor.isFinite) } }
        print(String(format: "checkpoint speed (default vae + Adam, %d bytes, median of %d): save %.2f ms (encode %.2f, "
                     + "write+fsync+rename %.2f); load %.2f ms (%.2f on one thread; model + optimizer construction alone %.2f, "
                     + "Tensor.isFinite over every tensor %.2f)",
                     bytes.count, repeats, save, encode, write, load, loadOneThread, build, finite))
    }
}
