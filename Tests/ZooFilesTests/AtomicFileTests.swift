import Foundation
import XCTest
@testable import ZooFiles

/// The one atomic writer behind checkpoints, PNGs and IDX files.
final class AtomicFileTests: XCTestCase {
    /// A successful write removes the temporary files of dead writers of the same path, and
    /// nothing else: not a live writer's, not another path's, not a name it did not make.
    func testSuccessfulWriteRemovesOnlyDeadWritersTemporaries() throws {
        let folder = try makeTempDirectory(self)
        func exitedProcess() throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/true")
            try process.run()
            process.waitUntilExit()
            return process.processIdentifier
        }
        let live = Process()
        live.executableURL = URL(fileURLWithPath: "/bin/sleep")
        live.arguments = ["30"]
        try live.run()
        defer {
            live.terminate()
            live.waitUntilExit()
        }
        let dead = try exitedProcess(), alsoDead = try exitedProcess()
        let leftovers = [".X.h5.tmp-\(dead)", ".X.h5.tmp-\(alsoDead)"]
        let kept = [".X.h5.tmp-\(live.processIdentifier)", ".Y.h5.tmp-\(dead)", ".X.h5.tmp-0\(dead)",
                    ".X.h5.tmp-\(dead)x", ".X.h5.tmp-", "X.h5.tmp-\(dead)", ".X.h5.tmp-1\(dead)1\(dead)1\(dead)"]
        for name in leftovers + kept { try Data("partial".utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name)")) }

        try AtomicFile.write(Array("complete".utf8), to: "\(folder)/X.h5")
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        XCTAssertEqual(present, Set(kept + ["X.h5"]))
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/X.h5", encoding: .utf8), "complete")
    }

    /// The file being replaced is held open across the rename (so that freeing it does not slow
    /// the save down): that must neither block on a FIFO nor keep the old contents visible.
    func testReplacingKeepsNoOldContentsAndDoesNotBlock() throws {
        let folder = try makeTempDirectory(self)
        let file = "\(folder)/R.h5"
        XCTAssertEqual(mkfifo(file, 0o644), 0)
        try AtomicFile.write(Array("first".utf8), to: file)
        try AtomicFile.write(Array("second, longer".utf8), to: file)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "second, longer")
        try AtomicFile.write([], to: file)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)).count, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["R.h5"])
    }

    /// A write through a symbolic link updates the file it names and leaves the link a link.
    func testWritesThroughASymbolicLink() throws {
        let folder = try makeTempDirectory(self)
        try AtomicFile.write(Array("old".utf8), to: "\(folder)/run3.h5")
        XCTAssertEqual(symlink("run3.h5", "\(folder)/latest.h5"), 0)
        try AtomicFile.write(Array("new".utf8), to: "\(folder)/latest.h5")
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/run3.h5", encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/latest.h5"), "run3.h5")
    }

    /// Something already at the temporary's name (a link planted there, say) is never written
    /// through: the temporary is created afresh.
    func testDoesNotWriteThroughALinkAtTheTemporaryName() throws {
        let folder = try makeTempDirectory(self)
        try writeFile(Array("victim".utf8), to: "\(folder)/victim")
        XCTAssertEqual(symlink("\(folder)/victim", "\(folder)/.X.h5.tmp-\(getpid())"), 0)
        try AtomicFile.write(Array("checkpoint".utf8), to: "\(folder)/X.h5")
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/victim", encoding: .utf8), "victim")
        XCTAssertEqual(try String(contentsOfFile: "\(folder)/X.h5", encoding: .utf8), "checkpoint")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["victim", "X.h5"])
    }

    /// A replaced file keeps its mode; a read-only one is refused and left as it was.
    func testKeepsPermissionsAndRefusesReadOnlyFiles() throws {
        let folder = try makeTempDirectory(self), file = "\(folder)/f.h5"
        try AtomicFile.write(Array("one".utf8), to: file)
        XCTAssertEqual(chmod(file, 0o600), 0)
        try AtomicFile.write(Array("two".utf8), to: file)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(chmod(file, 0o444), 0)
        assertDataError(.io, ["cannot write checkpoint to \(file)", "read-only"]) {
            try AtomicFile.write(Array("three".utf8), to: file, what: "checkpoint")
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["f.h5"])
    }

    func testNamesTheFileAndTheReasonWhenItCannotWrite() throws {
        let folder = try makeTempDirectory(self)
        assertDataError(.io, ["cannot write file to \(folder)/missing/x.h5", "No such file or directory"]) {
            try AtomicFile.write([1], to: "\(folder)/missing/x.h5")
        }
        assertDataError(.io, ["cannot write IDX file to \(folder)/", "names a folder"]) {
            try AtomicFile.write([1], to: "\(folder)/", what: "IDX file")
        }
    }
}
