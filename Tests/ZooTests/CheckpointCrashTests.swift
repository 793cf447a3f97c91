import Foundation
import XCTest
import ZooModels

/// The real `zoo` CLI killed with SIGKILL at random moments while it trains and checkpoints
/// every 3 steps: the checkpoint on disk always loads, training resumes from it, and the only
/// debris is a temporary file of a process killed while writing, which the next successful
/// save removes.
final class CheckpointCrashTests: CheckpointTestCase {
    func testSigkillNeverLeavesABrokenCheckpoint() throws {
        let checkpoint = path("X.h5")
        let temporaryPrefix = ".X.h5.tmp-"
        func temporaries() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(temporaryPrefix) })
        }
        // --threads 1: on a busy two-core machine two math threads slow this tiny model 10x.
        // --epochs 1000 (not 50): on an idle machine 50 epochs of this model take under 8 s, and
        // a run that finishes before its kill would end the test early.
        let common = ["--checkpoint-every", "3", "--threads", "1"]
        var generator = RandomGenerator(seed: 0xC4A5)
        let clock = ContinuousClock(), start = clock.now
        var kills = 0, killedBeforeFirstCheckpoint = 0, killedWhileWriting = 0, resumes = 0
        var lastStep = -1, steps: [Int] = []
        var stale: Set<String> = []

        // A successful save renames a new file over the checkpoint: a new inode.
        func inode() -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: checkpoint))?[.systemFileNumber] as? Int
        }
        var savesSeen = 0

        while kills < 25 && clock.now - start < .seconds(22) {
            let exists = FileManager.default.fileExists(atPath: checkpoint)
            let inodeBefore = inode()
            let arguments = exists
                ? ["resume", checkpoint] + common
                : ["train", "vae", "--set", "hidden=[32]", "--latent", "4", "--limit", "2000", "--epochs", "1000",
                   "--out", checkpoint, "--force"] + common
            if exists { resumes += 1 }
            let process = Process()
            process.executableURL = try CheckpointFixtures.zooExecutable()
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            // Startup (loading MNIST) takes a few hundred ms; kill anywhere from before the first
            // checkpoint to several checkpoints in.
            usleep(UInt32(150_000 + generator.integer(below: 750_000)))
            let stillRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard stillRunning, process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL else {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                XCTFail("zoo \(arguments.joined(separator: " ")) ended by itself (status \(process.terminationStatus)): \(message)")
                break
            }
            kills += 1

            // Debris: only a temporary file of the process just killed, caught mid-write.
            let now = try temporaries()
            let own = temporaryPrefix + String(process.processIdentifier)
            for name in now.subtracting(stale) {
                XCTAssertEqual(name, own, "kill \(kills): unexpected file \(name)")
                killedWhileWriting += 1
            }
            // A process that saved successfully removed the files of those killed before it,
            // so at most its own is left. (One that never saved, killed in its first write,
            // could leave a second file beside an earlier one: rare, and tolerated.)
            let saved = inode() != inodeBefore
            if saved {
                savesSeen += 1
                XCTAssertTrue(now.isSubset(of: [own]), "kill \(kills): stale temporary files survived a successful save: \(now.sorted())")
            }
            XCTAssertLessThanOrEqual(now.count, saved ? 1 : 2, "kill \(kills): temporary files pile up: \(now.sorted())")
            stale = now

            guard FileManager.default.fileExists(atPath: checkpoint) else {
                killedBeforeFirstCheckpoint += 1
                continue
            }
            do {
                let run = try CheckpointReader.load(checkpoint)
                XCTAssertGreaterThanOrEqual(run.globalStep, lastStep, "kill \(kills): the checkpoint went back in time")
                XCTAssertTrue(run.globalStep % 3 == 0 || run.stepInEpoch == 0, "kill \(kills): step \(run.globalStep)")
                lastStep = run.globalStep
                steps.append(run.globalStep)
            } catch {
                XCTFail("kill \(kills): the checkpoint does not load: \(error)")
            }
        }
        print("SIGKILL: \(kills) kills in \(clock.now - start), \(resumes) resumes, \(killedBeforeFirstCheckpoint) before any checkpoint existed, "
              + "\(killedWhileWriting) left a temporary file (\(stale.sorted())); global step after each kill: \(steps)")
        XCTAssertGreaterThanOrEqual(kills, 15)
        XCTAssertGreaterThan(lastStep, 0, "no checkpoint was ever written")
        XCTAssertGreaterThan(savesSeen, 0)
        XCTAssertLessThanOrEqual(stale.count, 1, "temporary files left after the kills: \(stale.sorted())")

        // And the survivor resumes cleanly to the end of the next epoch.
        let run = try CheckpointReader.load(checkpoint)
        let target = run.epoch + 1
        let (status, output) = try CheckpointFixtures.runZoo(["resume", checkpoint, "--epochs", String(target), "--threads", "1"], timeout: 60)
        XCTAssertEqual(status, 0, output)
        let finished = try CheckpointReader.load(checkpoint)
        XCTAssertEqual([finished.epoch, finished.stepInEpoch], [target, 0])
        XCTAssertEqual(finished.history.count, target)
        // Its successful saves removed whatever temporary file the last kill left.
        XCTAssertEqual(try temporaries(), [], "temporary files left after a successful save")
    }
}
