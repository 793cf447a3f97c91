import Foundation
import XCTest
import ZooModels

/// An epoch's reported time covers all of it: the steps, the model's end-of-epoch work and the
/// test evaluation. (Relations between clocks of one run, not a speed.)
final class EpochTimingTests: XCTestCase {
    func testEpochSecondsCoverTheEndOfEpochWork() throws {
        ZooTestSupport.registerBuiltins()
        // An autoencoder with a 1024-wide code: two tiny steps, then a 1024×1024 covariance fit
        // and its Cholesky factor at the end of the epoch, which dwarf them.
        let run = try TrainingRun.start(try ModelRegistry.model(named: "ae"), hyperparametersJSON: #"{"hidden":[32],"latent":1024}"#,
                                        settings: TrainingSettings(epochs: 1, batchSize: 64, seed: 3, limit: 128))
        let data = try CheckpointFixtures.data(train: 128)
        let clock = ContinuousClock(), start = clock.now
        let record = try run.trainEpoch(train: data.train, test: data.test)
        let wall = clock.now - start
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let steps = try XCTUnwrap(run.lastEpochStepSeconds)
        XCTAssertGreaterThan(record.seconds, steps)
        XCTAssertLessThanOrEqual(record.seconds, wallSeconds)
        // Most of what the epoch took beyond its steps is in the record.
        XCTAssertGreaterThan(record.seconds - steps, 0.5 * (wallSeconds - steps), "epoch \(record.seconds) s, steps \(steps) s, wall \(wallSeconds) s")
        XCTAssertEqual(run.history.last?.seconds, record.seconds)
    }
}
