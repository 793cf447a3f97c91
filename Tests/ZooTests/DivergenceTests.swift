import Foundation
import XCTest
import ZooModels

/// A NaN or infinite loss stops training with a clear error and never replaces the last good checkpoint.
final class DivergenceTests: XCTestCase {
    override func setUp() { ZooTestSupport.registerBuiltins() }

    /// A learning rate of 10⁴ blows the VAE's log-variance up within a few steps.
    func testDivergingRunStopsBeforeWritingAnything() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-diverge")
        let result = try zooFails(["train", "vae", "--lr", "1e4", "--limit", "2000", "--epochs", "3", "--out", "nan.h5"], in: folder,
                                  mentioning: ["training diverged", "try a lower --lr", "no checkpoint was written"],
                                  mustNotExist: ["nan.h5"], quietStdout: false)
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.description)
    }

    /// Diverging after a good epoch leaves that epoch's checkpoint on disk, intact.
    func testLastGoodCheckpointSurvivesDivergence() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-diverge-kept")
        let path = folder.appendingPathComponent("vae.h5").path
        let mnist = try ZooTestSupport.mnist()
        let train = ImageSet(mnist, .train).prefix(1000), test = ImageSet(mnist, .test).prefix(500)
        let run = try TrainingRun.start(try ModelRegistry.model(named: "vae"), hyperparametersJSON: #"{"hidden":[32],"latent":4}"#,
                                        settings: TrainingSettings(epochs: 3, batchSize: 100, limit: 1000))
        try run.trainEpoch(train: train, test: test, checkpoint: { try CheckpointWriter.save($0, to: path) })
        let good = try CheckpointReader.load(path).model.namedParameters.map(\.parameter.value)

        for (_, optimizer) in run.optimizers { optimizer.learningRate = 1e4 }
        XCTAssertThrowsError(try run.trainEpoch(train: train, test: test, checkpoint: { try CheckpointWriter.save($0, to: path) })) { error in
            XCTAssertTrue("\(error)".contains("training diverged"), "\(error)")
        }
        let kept = try CheckpointReader.load(path)
        XCTAssertEqual(kept.epoch, 1)
        for (a, b) in zip(good, kept.model.namedParameters.map(\.parameter.value)) { XCTAssertTrue(a.isIdentical(to: b)) }
    }

    /// An Adam moment that overflowed leaves the weights finite (the update becomes 0), but the
    /// reader refuses such a file: the writer must refuse it too and keep the last good one.
    func testNonFiniteOptimizerStateIsNeverSaved() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-diverge-moment")
        let path = folder.appendingPathComponent("ae.h5").path
        let run = try CheckpointFixtures.trained("ae", epochs: 1, limit: 128)
        try CheckpointWriter.save(run, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let (_, optimizer) = run.optimizers[0]
        var state = optimizer.state
        let key = "encoder.2.weight.exp_avg_sq"
        state[key] = Tensor(shape: state[key]!.shape, repeating: .infinity)
        try optimizer.load(state: state)
        XCTAssertThrowsError(try CheckpointWriter.save(run, to: path)) { error in
            XCTAssertEqual("\(error)", "not saving: optimizer/optimizer/encoder.2.weight/exp_avg_sq contains NaN or infinite values (training diverged; try a lower --lr)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }
}
