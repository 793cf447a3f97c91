import Foundation
import XCTest
import ZooModels

/// Save → load is lossless, and a run resumed from a checkpoint continues bit-identically.
final class CheckpointRoundTripTests: CheckpointTestCase {
    /// Every built-in model, stopped mid-epoch (so partial sums and history are both non-empty),
    /// reloads with bit-identical weights, optimizer moments and steps, model state, random
    /// streams, counters, timing and history.
    func testSaveLoadIsBitIdenticalForEveryModel() throws {
        for model in CheckpointFixtures.models {
            let run = try CheckpointFixtures.trained(model, epochs: 1, steps: 2)
            XCTAssertEqual(run.history.count, 1)
            XCTAssertEqual(run.stepInEpoch, 2)
            XCTAssertFalse(run.partialLossSums.isEmpty)
            let file = path("\(model).h5")
            try CheckpointWriter.save(run, to: file)
            let loaded = try CheckpointReader.load(file)
            CheckpointCompare.assertIdentical(run, loaded, timing: true, "\(model) round trip")

            // And a second generation: the loaded run writes the same tensors again.
            let again = path("\(model)-again.h5")
            try CheckpointWriter.save(loaded, to: again)
            CheckpointCompare.assertIdentical(run, try CheckpointReader.load(again), timing: true, "\(model) second round trip")
        }
    }

    /// A fresh, untrained run (zero Adam state, empty history, AE's standard-normal latent
    /// Gaussian) round-trips too: the empty-dataset and empty-group cases.
    func testUntrainedRunRoundTrips() throws {
        for model in CheckpointFixtures.models {
            let run = try CheckpointFixtures.start(model)
            let file = path("fresh-\(model).h5")
            try CheckpointWriter.save(run, to: file)
            let loaded = try CheckpointReader.load(file)
            CheckpointCompare.assertIdentical(run, loaded, timing: true, "fresh \(model)")
            XCTAssertTrue(loaded.history.isEmpty)
        }
    }

    /// 4 epochs straight == 2 epochs, save, load (a new TrainingRun), 2 more epochs.
    func testResumeAtEpochBoundaryIsExact() throws {
        let data = try CheckpointFixtures.data()
        for model in CheckpointFixtures.models {
            let straight = try CheckpointFixtures.start(model)
            while !straight.isFinished { try straight.trainEpoch(train: data.train, test: data.test) }

            let first = try CheckpointFixtures.start(model)
            for _ in 0..<2 { try first.trainEpoch(train: data.train, test: data.test) }
            let file = path("\(model)-2.h5")
            try CheckpointWriter.save(first, to: file)
            let resumed = try CheckpointReader.load(file)
            XCTAssertEqual(resumed.epoch, 2)
            XCTAssertFalse(resumed === first)
            while !resumed.isFinished { try resumed.trainEpoch(train: data.train, test: data.test) }

            XCTAssertEqual(straight.epoch, 4)
            CheckpointCompare.assertIdentical(straight, resumed, timing: false, "\(model) resumed at epoch 2")
        }
    }

    /// A checkpoint written by `checkpointEvery` in the middle of epoch 2 (global step 11 of
    /// 8 steps per epoch), loaded and finished, gives the same run as never stopping.
    func testResumeMidEpochIsExact() throws {
        let data = try CheckpointFixtures.data()
        for model in CheckpointFixtures.models {
            let file = path("\(model)-mid.h5")
            let straight = try CheckpointFixtures.start(model)
            var saved = false
            while !straight.isFinished {
                try straight.trainEpoch(train: data.train, test: data.test, checkpointEvery: 1, checkpoint: { run in
                    if run.globalStep == 11 {
                        XCTAssertEqual(run.stepInEpoch, 3)
                        try CheckpointWriter.save(run, to: file)
                        saved = true
                    }
                })
            }
            XCTAssertTrue(saved)
            let resumed = try CheckpointReader.load(file)
            XCTAssertEqual([resumed.epoch, resumed.stepInEpoch, resumed.globalStep], [1, 3, 11])
            XCTAssertEqual(resumed.partialImages, 3 * 64)
            XCTAssertEqual(resumed.history.count, 1)
            while !resumed.isFinished { try resumed.trainEpoch(train: data.train, test: data.test) }
            CheckpointCompare.assertIdentical(straight, resumed, timing: false, "\(model) resumed mid-epoch")
        }
    }

    /// Resuming changes nothing about a finished checkpoint's model: sampling from the original
    /// run and from the loaded one with the same seed gives identical images, and a classifier
    /// gives identical logits and features.
    func testLoadedModelSamplesIdentically() throws {
        let images = try CheckpointFixtures.data().test.tensor(0..<16, range: .unit)
        for model in CheckpointFixtures.models {
            let run = try CheckpointFixtures.trained(model, epochs: 1)
            let file = path("\(model).h5")
            try CheckpointWriter.save(run, to: file)
            if let classifier = run.model as? any ImageClassifier {
                let loaded = try CheckpointReader.loadClassifier(file)
                XCTAssertTrue(classifier.logits(images).isIdentical(to: loaded.logits(images)), model)
                XCTAssertTrue(classifier.features(of: images).isIdentical(to: loaded.features(of: images)), model)
                XCTAssertThrowsError(try CheckpointReader.loadModel(file), model)
                continue
            }
            let loaded = try CheckpointReader.loadModel(file)
            var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
            XCTAssertTrue(run.generative.sample(8, generator: &g1).isIdentical(to: loaded.sample(8, generator: &g2)), model)
        }
    }
}
