import Foundation
import XCTest
import Zoo
import ZooModels

/// Reproducibility end to end: `zoo train` with the same seed and thread count writes the same
/// weights, bit for bit; another seed writes others.
final class CLIDeterminismTests: CLITestCase {
    /// Two epochs over 512 images in batches of 64 (16 steps): exercises the initialisation,
    /// the shuffling, the VAE's reparameterisation noise and Adam from the seed.
    func train(_ out: String, seed: Int, threads: Int, epochs: Int = 2, model: [String] = ["vae", "--set", "hidden=[32]"]) throws -> TrainingRun {
        try zooOK(["train"] + model + ["--epochs", String(epochs), "--limit", "512", "--batch-size", "64",
                                       "--seed", String(seed), "--threads", String(threads), "--out", out], in: folder)
        return try CheckpointReader.load(folder.appendingPathComponent(out).path)
    }

    /// The names of the tensors that differ between two runs (weights, optimizer state, the
    /// AE's fitted Gaussian), and whether the random streams and counters agree.
    func differences(_ a: TrainingRun, _ b: TrainingRun) -> [String] {
        var different: [String] = []
        let weightsA = a.model.namedParameters, weightsB = Dictionary(uniqueKeysWithValues: b.model.namedParameters.map { ($0.name, $0.parameter.value) })
        XCTAssertEqual(Set(weightsA.map(\.name)), Set(weightsB.keys))
        for (name, parameter) in weightsA where weightsB[name].map({ !parameter.value.isIdentical(to: $0) }) ?? true {
            different.append("/weights/\(name)")
        }
        for ((name, optimizerA), (_, optimizerB)) in zip(a.optimizers, b.optimizers) {
            let stateB = optimizerB.state
            for (key, tensor) in optimizerA.state where stateB[key].map({ !tensor.isIdentical(to: $0) }) ?? true {
                different.append("/optimizer/\(name)/\(key)")
            }
        }
        let extraB = b.model.extraState
        for (key, tensor) in a.model.extraState where extraB[key].map({ !tensor.isIdentical(to: $0) }) ?? true {
            different.append("/model_state/\(key)")
        }
        if a.modelGenerator != b.modelGenerator { different.append("model_rng") }
        if a.dataGenerator != b.dataGenerator { different.append("data_rng") }
        if a.history.map(\.losses) != b.history.map(\.losses) { different.append("history/losses") }
        return different
    }

    /// Ctrl-C saves the step training is at and exits 130; resuming from there ends bit for
    /// bit where an uninterrupted run ends. The full default VAE on one thread takes seconds an
    /// epoch, so the signal, sent as soon as the header is printed, lands mid-epoch.
    func testCtrlCSavesTheCurrentStepAndResumesExactly() throws {
        let arguments = ["train", "vae", "--epochs", "1", "--threads", "1"]
        let stopped = try zoo(arguments + ["--out", "stopped.h5"], in: folder, interruptAfter: "hyper-parameters")
        XCTAssertEqual(stopped.status, 130, stopped.description)
        XCTAssertTrue(stopped.stdout.contains("stopped at epoch 1, step "), stopped.description)
        XCTAssertTrue(stopped.stdout.contains("`zoo resume stopped.h5` continues from there"), stopped.description)
        XCTAssertEqual(stopped.stderr, "")
        let saved = try CheckpointReader.load(folder.appendingPathComponent("stopped.h5").path)
        XCTAssertEqual(saved.epoch, 0)
        XCTAssertGreaterThan(saved.stepInEpoch, 0)
        XCTAssertLessThan(saved.stepInEpoch, 469)

        // The same thread count as the interrupted run: only then are the bits promised (with
        // the default, all cores, the products may sum in another order).
        try zooOK(["resume", "stopped.h5", "--threads", "1"], in: folder)
        try zooOK(arguments + ["--out", "whole.h5"], in: folder)
        let resumed = try CheckpointReader.load(folder.appendingPathComponent("stopped.h5").path)
        let whole = try CheckpointReader.load(folder.appendingPathComponent("whole.h5").path)
        XCTAssertEqual(resumed.epoch, 1)
        XCTAssertEqual(differences(resumed, whole), [])
    }

    func testSameSeedSameWeightsBitForBit() throws {
        let a = try train("a.h5", seed: 7, threads: 1)
        let b = try train("b.h5", seed: 7, threads: 1)
        XCTAssertEqual(a.globalStep, 16)
        XCTAssertEqual(differences(a, b), [])

        // Another seed: every weight tensor differs (different initialisation, order and noise).
        let c = try train("c.h5", seed: 8, threads: 1)
        let differing = Set(differences(a, c).filter { $0.hasPrefix("/weights/") })
        XCTAssertEqual(differing, Set(a.model.namedParameters.map { "/weights/\($0.name)" }))
    }

    func testSameSeedSameWeightsWithTwoThreadsAndForTheAE() throws {
        // The promise is per thread count, so two threads must agree with two threads.
        let a = try train("a2.h5", seed: 3, threads: 2, epochs: 1)
        let b = try train("b2.h5", seed: 3, threads: 2, epochs: 1)
        XCTAssertEqual(differences(a, b), [])
        // The AE also stores the Gaussian fitted to its codes at the end of each epoch.
        let ae = ["ae", "--set", "hidden=[16]"]
        let c = try train("c.h5", seed: 3, threads: 1, epochs: 1, model: ae)
        let d = try train("d.h5", seed: 3, threads: 1, epochs: 1, model: ae)
        XCTAssertEqual(differences(c, d), [])
        XCTAssertEqual(Set(c.model.extraState.keys), ["latent_mean", "latent_covariance"])
    }

    func testResumedRunMatchesAnUninterruptedOne() throws {
        // Two epochs straight, against one epoch then `zoo resume --epochs 2`.
        let straight = try train("straight.h5", seed: 11, threads: 1, epochs: 2)
        _ = try train("split.h5", seed: 11, threads: 1, epochs: 1)
        try zooOK(["resume", "split.h5", "--epochs", "2", "--threads", "1"], in: folder)
        let resumed = try CheckpointReader.load(folder.appendingPathComponent("split.h5").path)
        XCTAssertEqual(resumed.epoch, 2)
        XCTAssertEqual(resumed.globalStep, straight.globalStep)
        XCTAssertEqual(differences(straight, resumed), [])
    }
}
