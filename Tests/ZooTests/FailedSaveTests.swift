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

    /// Between two saves the checkpoint's path may come to name something else: a save writes
    /// only over the file this run wrote, a zoo checkpoint, or nothing.
    func testEverySaveRechecksTheTarget() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-target")
        let path = folder.appendingPathComponent("run.h5").path, other = folder.appendingPathComponent("other.h5").path
        let scratch = folder.appendingPathComponent("notes.txt").path
        try CheckpointWriter.save(try CheckpointFixtures.trained("ae", epochs: 1, limit: 128), to: path)
        try CheckpointWriter.save(try CheckpointFixtures.trained("ae", epochs: 2, limit: 128), to: other)
        try Data("my notes\n".utf8).write(to: URL(fileURLWithPath: scratch))

        var target = CheckpointTarget(path)
        XCTAssertNoThrow(try target.check(), "a zoo checkpoint (the one resumed, or replaced with --force)")
        target.saved()
        XCTAssertNoThrow(try target.check(), "the file this run wrote")
        func refused(_ found: String, line: UInt = #line) {
            XCTAssertThrowsError(try target.check(), line: line) { error in
                XCTAssertEqual("\(error)", "\(path) is now \(found), not the checkpoint this run writes; not writing over it", line: line)
            }
        }
        // A symbolic link to someone's text file: the save would have written through it.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: scratch)
        refused("a file that is not a zoo checkpoint")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder.appendingPathComponent("nowhere").path)
        refused("a symbolic link to nothing")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        refused("a folder")
        try FileManager.default.removeItem(atPath: path)
        try Data("plain text".utf8).write(to: URL(fileURLWithPath: path))
        refused("a file that is not a zoo checkpoint")
        try FileManager.default.removeItem(atPath: path)
        XCTAssertNoThrow(try target.check(), "nothing: the save writes a new file")
        try FileManager.default.copyItem(atPath: other, toPath: path)
        XCTAssertNoThrow(try target.check(), "another zoo checkpoint")

        // Through training: the path turns into a link to the text file after epoch 1's save.
        try FileManager.default.removeItem(atPath: path)
        let run = try CheckpointFixtures.start("ae", epochs: 2, limit: 128)
        let data = try CheckpointFixtures.data(train: 128)
        try run.trainEpoch(train: data.train, test: data.test, checkpoint: { try CheckpointWriter.save($0, to: path) })
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: scratch)
        XCTAssertThrowsError(try drive(run, data: data, checkpoint: path, checkpointEvery: nil)) { error in
            XCTAssertEqual("\(error)", "stopped at the end of epoch 2, unsaved: \(path) is now a file that is not a zoo checkpoint, "
                           + "not the checkpoint this run writes; not writing over it; nothing was saved, and the run was written nowhere else")
        }
        XCTAssertEqual(try String(contentsOfFile: scratch, encoding: .utf8), "my notes\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["notes.txt", "other.h5", "run.h5"])
    }
}
