import Foundation
import XCTest
@testable import ZooCLI
import ZooModels

/// A save that fails while training (disk full, folder gone, file made read-only) ends training
/// with the file system's reason and what the checkpoint on disk still holds.
final class FailedSaveTests: XCTestCase {
    func testAFailedSaveSaysWhatTheCheckpointStillHolds() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-failed-save")
        let path = folder.appendingPathComponent("ae.h5").path
        let data = try CheckpointFixtures.data(train: 256)

        let first = try CheckpointFixtures.start("ae", epochs: 2, limit: 256)
        XCTAssertThrowsError(try drive(first, data: data, checkpoint: folder.appendingPathComponent("gone/ae.h5").path, checkpointEvery: nil)) { error in
            XCTAssertEqual("\(error)", "cannot write checkpoint to \(folder.path)/gone/ae.h5: No such file or directory "
                           + "(while creating a temporary file in \(folder.path)/gone); no checkpoint was written")
        }

        // A save after epoch 1 works; the file then turns read-only, so epoch 2's save fails.
        let second = try CheckpointFixtures.start("ae", epochs: 2, limit: 256)
        try second.trainEpoch(train: data.train, test: data.test, checkpoint: { try CheckpointWriter.save($0, to: path) })
        XCTAssertEqual(chmod(path, 0o444), 0)
        XCTAssertThrowsError(try drive(second, data: data, checkpoint: path, checkpointEvery: nil)) { error in
            XCTAssertEqual("\(error)", "cannot write checkpoint to \(path): the file is read-only; not replacing it; \(path) is unchanged")
        }
        XCTAssertEqual(try CheckpointReader.load(path).epoch, 1)
    }
}
