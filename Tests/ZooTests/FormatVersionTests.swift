import Foundation
import XCTest
import Zoo

/// Version-1 checkpoints (the published ae, vae and gan, written before images had channels
/// and layers had buffers) still load, sample and resume, and are saved again as version 2.
final class FormatVersionTests: CheckpointTestCase {
    static let published = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Checkpoints")

    func testPublishedVersionOneCheckpointsLoadSampleAndResume() throws {
        let data = try CheckpointFixtures.data(train: 256)
        for model in ["ae", "vae", "gan"] {
            let file = Self.published.appendingPathComponent("\(model).h5").path
            let contents = try CheckpointReader.inspect(file)
            XCTAssertEqual(contents.origin.formatVersion, 1, model)
            let run = contents.run
            XCTAssertEqual(run.imageShape, .mnist, model)
            XCTAssertEqual(run.classNames, (0..<10).map(String.init), model)
            XCTAssertEqual(run.epoch, 20, model)

            var generator = RandomGenerator(seed: 3)
            let images = run.generative.sample(4, generator: &generator)
            XCTAssertEqual(images.shape, [4, 1, 28, 28], model)
            XCTAssertTrue(images.scalars.allSatisfy { run.modelType.pixelRange.bounds.contains($0) }, model)

            // One more epoch, as `zoo resume --epochs 21` would, then saved in today's format.
            run.settings.epochs = 21
            try run.trainEpoch(train: data.train, test: data.test)
            let saved = path("\(model)-v2.h5")
            try CheckpointWriter.save(run, to: saved)
            let reloaded = try CheckpointReader.inspect(saved)
            XCTAssertEqual(reloaded.origin.formatVersion, Int(CheckpointLayout.formatVersion), model)
            CheckpointCompare.assertIdentical(run, reloaded.run, timing: true, "\(model) resumed from version 1")
        }
    }
}
