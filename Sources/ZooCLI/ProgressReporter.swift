import ArgumentParser
import Foundation
import Zoo
import ZooMPI

/// Shows training as it happens: a live bar redrawn in place on a terminal, plain lines
/// otherwise (logs, pipes, CI), and one summary line per epoch either way.
final class ProgressReporter {
    private let live = Output.isTerminal
    private var lastDraw = ContinuousClock.now
    private let width = 24

    func update(_ p: TrainingProgress) {
        guard live else { return }
        let now = ContinuousClock.now
        guard p.step == p.stepsPerEpoch || now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        let filled = width * p.step / max(p.stepsPerEpoch, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "epoch \(p.epoch)/\(p.epochs) \(bar) \(p.step)/\(p.stepsPerEpoch)  \(Output.numbers(p.losses))  "
            + "\(Int(p.imagesPerSecond)) img/s  ETA \(Output.duration(p.secondsLeftInEpoch))"
        FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    func epochFinished(_ record: EpochRecord, epochs: Int, checkpoint: String) {
        if live { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
        print("epoch \(record.epoch)/\(epochs)  train \(Output.numbers(record.losses))  |  test \(Output.numbers(record.metrics))  |  \(Output.duration(record.seconds))  → \(checkpoint)")
        fflush(nil)
    }

    /// Clears the live bar so an error prints on a clean line.
    func interrupted() {
        if live { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
    }

    func checkpointWritten(step: Int, path: String) {
        if !live {
            print("step \(step): checkpoint → \(path)")
            fflush(nil)
        }
    }
}

/// Trains `run` to its last epoch, writing the checkpoint at every epoch's end (and every
/// `checkpointEvery` steps). After `StopRequest.install()`, Ctrl-C checkpoints the current
/// step and exits with 130.
func drive(_ run: TrainingRun, data: (train: ImageSet, test: ImageSet), checkpoint path: String, checkpointEvery: Int?) throws {
    let reporter = ProgressReporter()
    var target = CheckpointTarget(path)
    var saved: (epoch: Int, step: Int)?
    func stopped(epoch: Int, step: Int) -> ExitCode {
        reporter.interrupted()
        let position = step > 0 ? "epoch \(epoch + 1), step \(step)" : "the end of epoch \(epoch)"
        print("stopped at \(position); \(path) holds it and `zoo resume \(Output.shellQuoted(path))` continues from there")
        return ExitCode(StopRequest.exitStatus)  // as if killed by the signal, for scripts
    }
    while !run.isFinished {
        // Between epochs every process must see the same answer (a signal reaches them at
        // different moments), or one would stop while the others wait in the next step.
        if try run.group.any(StopRequest.isRequested), let saved, saved == (run.epoch, run.stepInEpoch) {
            throw stopped(epoch: run.epoch, step: run.stepInEpoch)
        }
        do {
            let record = try run.trainEpoch(train: data.train, test: data.test, checkpointEvery: checkpointEvery,
                                            stopRequested: { StopRequest.isRequested }, progress: reporter.update) { run in
                // Rank 0 writes; the others wait for it (a process that went on, or exited
                // after Ctrl-C, would make mpirun end the job while the file is written).
                try run.group.agree(run.group.attempt {
                    guard run.group.isRoot else { return }
                    try target.check()
                    try CheckpointWriter.save(run, to: path)
                    target.saved()
                })
                saved = (run.epoch, run.stepInEpoch)
                if run.stepInEpoch > 0 { reporter.checkpointWritten(step: run.globalStep, path: path) }
            }
            reporter.epochFinished(record, epochs: run.settings.epochs, checkpoint: path)
        } catch let stop as TrainingStopped {
            throw stopped(epoch: stop.epoch, step: stop.step)
        } catch let replaced as CheckpointReplaced {
            // The last good state was in the file that was replaced: say where it went, and
            // write the run nowhere else.
            reporter.interrupted()
            let last = saved.map { "the last save (epoch \($0.epoch)\($0.step > 0 ? ", step \($0.step)" : "")) went to the file that was replaced" }
                ?? "nothing was saved"
            let position = run.stepInEpoch > 0 ? "epoch \(run.epoch + 1), step \(run.stepInEpoch)" : "the end of epoch \(run.epoch)"
            throw ZooError("stopped at \(position), unsaved: \(replaced); \(last), and the run was written nowhere else")
        } catch {  // divergence (ZooError) or a save that failed (DataError from the file system)
            reporter.interrupted()
            let kept = saved.map { "\(path) keeps the last good state (epoch \($0.epoch)\($0.step > 0 ? ", step \($0.step)" : ""))" }
                ?? (FileManager.default.fileExists(atPath: path) ? "\(path) is unchanged" : "no checkpoint was written")
            throw ZooError("\(error); \(kept)")
        }
    }
}

/// A bar for decoding an image folder, redrawn in place on a terminal (nothing in a log).
/// Decoding threads call `update` one at a time.
final class DecodeProgress: @unchecked Sendable {
    private let live = Output.isTerminal
    private let folder: String
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    init(folder: String) { self.folder = Output.printable(folder) }

    func update(_ done: Int, _ total: Int) {
        guard live else { return }
        let now = ContinuousClock.now
        guard done == total || now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        drawn = true
        let width = 24, filled = width * done / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardOutput.write(Data("\r\u{1B}[2Kdecoding \(folder) \(bar) \(done)/\(total)".utf8))
    }

    func finish() {
        if drawn { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
