import Foundation
import XCTest
@testable import ZooCLI
import ZooModels

/// `mpirun -np N zoo train`: real Open MPI processes on this machine (loopback TCP and shared
/// memory, oversubscribed where N exceeds the cores), through the real `zoo` executable.
final class DistributedTrainingTests: CheckpointTestCase {
    /// N processes of the zoo built with the tests. Skips where Open MPI is not installed,
    /// except in CI (`CI=true`), where scripts/setup installs it.
    func mpirun(_ processes: Int, _ arguments: [String], timeout: Double = 120) throws -> (status: Int32?, output: String) {
        try mpirun(["-np", String(processes), try CheckpointFixtures.zooExecutable().path] + arguments, timeout: timeout)
    }

    /// mpirun with its own arguments (an MPMD command line, say).
    func mpirun(_ arguments: [String], timeout: Double = 120, started: ((Process) throws -> Void)? = nil) throws -> (status: Int32?, output: String) {
        try run([try Self.mpirunExecutable().path, "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader,tcp"] + arguments,
                timeout: timeout, started: started)
    }

    /// `command` (an absolute executable and its arguments) in the test's folder, with Open
    /// MPI allowed to run as root; its status (nil on timeout) and output.
    func run(_ command: [String], timeout: Double = 120, started: ((Process) throws -> Void)? = nil) throws -> (status: Int32?, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        process.currentDirectoryURL = folder
        let output = folder.appendingPathComponent("mpirun-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let log = try FileHandle(forWritingTo: output)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try started?(process)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try log.close()
        let text = try String(contentsOf: output, encoding: .utf8)
        return (timedOut ? nil : process.terminationStatus, text)
    }

    static func mpirunExecutable() throws -> URL {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw ZooError("mpirun not found in CI (scripts/setup installs openmpi-bin)") }
        throw XCTSkip("mpirun not found: Open MPI is not installed (scripts/setup installs openmpi-bin)")
    }

    func load(_ name: String) throws -> TrainingRun { try CheckpointReader.load(path(name)) }

    /// Every weight, buffer and optimizer slot, by name.
    func state(_ run: TrainingRun) -> [String: [Float]] {
        var state: [String: [Float]] = [:]
        for (name, parameter) in run.model.namedParameters { state[name] = parameter.value.scalars }
        for (name, buffer) in run.model.namedBuffers { state[name] = buffer.value.scalars }
        for (optimizerName, optimizer) in run.optimizers {
            for (key, tensor) in optimizer.state { state["\(optimizerName)/\(key)"] = tensor.scalars }
        }
        return state
    }

    func requireSuccess(_ result: (status: Int32?, output: String), file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, result.output, file: file, line: line)
    }

    /// 100 steps of batch 128 on one process and on two: the same global batches. The AE has
    /// no noise, so its losses and weights agree up to summation order (the two halves' gradients
    /// are summed by MPI, not inside one GEMM). The GAN draws its latents per process, so the
    /// noise differs from one process's: its losses agree as two seeds' do.
    func testTwoProcessesTakeTheStepsOfOne() throws {
        let steps100 = ["--epochs", "1", "--limit", "12800", "--threads", "1"]
        requireSuccess(try CheckpointFixtures.runZoo(["train", "ae", "--out", path("ae1.h5")] + steps100))
        requireSuccess(try mpirun(2, ["train", "ae", "--out", "ae2.h5"] + steps100))
        let one = try load("ae1.h5"), two = try load("ae2.h5")
        XCTAssertEqual(one.globalStep, 100)
        XCTAssertEqual(two.globalStep, 100)
        XCTAssertEqual(two.settings.worldSize, 2)
        XCTAssertNil(one.settings.worldSize)
        // Stated tolerance: 1e-4 relative on the epoch's mean loss, 1e-3 absolute on any weight.
        let mse1 = one.history[0].losses["mse"]!, mse2 = two.history[0].losses["mse"]!
        XCTAssertEqual(mse2, mse1, accuracy: 1e-4 * mse1)
        let weights1 = state(one), weights2 = state(two)
        for (name, values) in weights1 where !name.contains("/") {
            let largest = zip(values, weights2[name]!).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(largest, 1e-3, "\(name) differs by \(largest)")
        }

        requireSuccess(try CheckpointFixtures.runZoo(["train", "gan", "--out", path("gan1.h5")] + steps100))
        requireSuccess(try mpirun(2, ["train", "gan", "--out", "gan2.h5"] + steps100))
        // Stated tolerance: 5% on the mean D and G losses of the 100 steps (seeds 0 and 1 of
        // one process differ by 1-3% here).
        let gan1 = try load("gan1.h5").history[0].losses, gan2 = try load("gan2.h5").history[0].losses
        for name in ["d_loss", "g_loss"] {
            XCTAssertEqual(gan2[name]!, gan1[name]!, accuracy: 0.05 * gan1[name]!, name)
        }
    }

    /// The same processes, seed and threads: the same bits, here for the GAN (two optimizers,
    /// per-process noise); and three processes on two cores train too.
    func testTheSameProcessCountGivesTheSameBits() throws {
        let arguments = ["--epochs", "1", "--limit", "3200", "--threads", "1", "--set", "hidden=[64,128]"]
        requireSuccess(try mpirun(2, ["train", "gan", "--out", "a.h5"] + arguments))
        requireSuccess(try mpirun(2, ["train", "gan", "--out", "b.h5"] + arguments))
        XCTAssertEqual(state(try load("a.h5")), state(try load("b.h5")))
        let three = try mpirun(3, ["train", "gan", "--out", "c.h5"] + arguments)
        requireSuccess(three)
        XCTAssertTrue(three.output.contains("3 processes of 1 thread"), three.output)
        XCTAssertEqual(try load("c.h5").settings.worldSize, 3)
        XCTAssertNotEqual(state(try load("a.h5")), state(try load("c.h5")))
    }

    /// A checkpoint resumes exactly with the process count it was written with, and with any other.
    func testResumeWithAnyProcessCount() throws {
        let arguments = ["--limit", "2560", "--threads", "1", "--set", "hidden=[64]", "--latent", "4"]
        requireSuccess(try mpirun(2, ["train", "vae", "--epochs", "2", "--out", "straight.h5"] + arguments))
        requireSuccess(try mpirun(2, ["train", "vae", "--epochs", "1", "--out", "split.h5"] + arguments))
        requireSuccess(try mpirun(2, ["resume", "split.h5", "--epochs", "2", "--threads", "1"]))
        XCTAssertEqual(state(try load("straight.h5")), state(try load("split.h5")))

        let three = try mpirun(3, ["resume", "split.h5", "--epochs", "3", "--threads", "1"])
        requireSuccess(three)
        XCTAssertTrue(three.output.contains("the checkpoint was written by 2 processes; continuing on 3"), three.output)
        XCTAssertEqual(try load("split.h5").settings.worldSize, 3)
        let one = try CheckpointFixtures.runZoo(["resume", path("split.h5"), "--epochs", "4", "--threads", "1"])
        requireSuccess(one)
        let resumed = try load("split.h5")
        XCTAssertNil(resumed.settings.worldSize)
        XCTAssertEqual(resumed.epoch, 4)
        XCTAssertEqual(resumed.globalStep, 4 * 20)
    }

    /// SIGTERM (or Ctrl-C) to mpirun: the processes stop after the same step, rank 0 checkpoints
    /// it, and the run resumes from there.
    func testSigtermToMpirunCheckpointsTheStep() throws {
        let result = try mpirun(["-np", "2", try CheckpointFixtures.zooExecutable().path, "train", "vae", "--epochs", "1000",
                                 "--limit", "2000", "--threads", "1", "--set", "hidden=[64]", "--out", "stop.h5"],
                                timeout: 90) { process in
            // After the first epoch's checkpoint, so the stop lands mid-run.
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: self.path("stop.h5")) && Date() < deadline { usleep(20_000) }
            usleep(300_000)
            kill(process.processIdentifier, SIGTERM)
        }
        XCTAssertNotNil(result.status, "mpirun did not end after SIGTERM: \(result.output)")
        XCTAssertTrue(result.output.contains("stopped at"), result.output)
        XCTAssertEqual(result.output.components(separatedBy: "stopped at").count, 2, "one rank reports: \(result.output)")
        let stopped = try load("stop.h5")
        XCTAssertGreaterThan(stopped.globalStep, 0)
        requireSuccess(try mpirun(2, ["resume", "stop.h5", "--epochs", String(stopped.epoch + 2), "--threads", "1"]))
        XCTAssertEqual(try load("stop.h5").epoch, stopped.epoch + 2)
    }

    /// A rank killed mid-run ends the whole job (nobody waits forever in a collective); the
    /// last checkpoint is intact and resumes.
    func testAKilledRankEndsTheJob() throws {
        let clock = ContinuousClock(), start = clock.now
        let result = try mpirun(["-np", "2", try CheckpointFixtures.zooExecutable().path, "train", "vae", "--epochs", "1000",
                                 "--limit", "2000", "--threads", "1", "--set", "hidden=[64]", "--checkpoint-every", "5",
                                 "--out", "killed.h5"], timeout: 90) { process in
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: self.path("killed.h5")) && Date() < deadline { usleep(20_000) }
            usleep(500_000)
            // The ranks are mpirun's children here (one machine): kill the last.
            let children = try String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(process.processIdentifier)/children", encoding: .utf8)
                .split(separator: " ").compactMap { Int32($0) }
            XCTAssertEqual(children.count, 2, "mpirun's children: \(children)")
            if let victim = children.last { kill(victim, SIGKILL) }
        }
        XCTAssertNotNil(result.status, "the job went on after a rank was killed: \(result.output)")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertLessThan(clock.now - start, .seconds(80))
        let survivor = try load("killed.h5")
        requireSuccess(try CheckpointFixtures.runZoo(["resume", path("killed.h5"), "--epochs", String(survivor.epoch + 1), "--threads", "1"]))
    }

    /// Processes that would train different things stop before training, with one message
    /// naming the difference; no checkpoint is written.
    func testProcessesThatDisagreeStopTogether() throws {
        let zoo = try CheckpointFixtures.zooExecutable().path
        let common = ["train", "ae", "--epochs", "1", "--limit", "1280", "--threads", "1", "--out", "x.h5"]
        let result = try mpirun(["-np", "1", zoo] + common + [":", "-np", "1", zoo] + common + ["--seed", "5"])
        XCTAssertNotEqual(result.status, 0)
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(lines.count, 1, result.output)
        XCTAssertTrue(lines.first?.contains("rank 1: runs a different job from rank 0") == true, result.output)
        XCTAssertTrue(lines.first?.contains("\"seed\":5") == true, result.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.h5")))

        let sample = try mpirun(2, ["sample", "x.h5"])
        XCTAssertNotEqual(sample.status, 0)
        XCTAssertEqual(sample.output.components(separatedBy: "zoo sample runs on one process").count, 2, sample.output)
    }

    /// One checkpoint, one trainer: while a run holds a checkpoint, a second `train --out` or
    /// `resume` of it is refused naming the holder; readers are not blocked; the lock goes with
    /// its holder.
    func testASecondTrainerOfACheckpointIsRefused() throws {
        let checkpoint = path("held.h5")
        let arguments = ["--limit", "1280", "--threads", "1", "--set", "hidden=[32]"]
        requireSuccess(try CheckpointFixtures.runZoo(["train", "ae", "--epochs", "1", "--out", checkpoint] + arguments))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(".held.h5.lock")), "a finished run leaves no lock file")

        let lock = try TrainingLock(checkpoint)
        let resume = try CheckpointFixtures.runZoo(["resume", checkpoint, "--epochs", "2"])
        XCTAssertEqual(resume.status, 1)
        XCTAssertTrue(resume.output.contains("held.h5 is being trained by process \(getpid())"), resume.output)
        let train = try CheckpointFixtures.runZoo(["train", "ae", "--epochs", "1", "--out", checkpoint, "--force"] + arguments)
        XCTAssertEqual(train.status, 1)
        XCTAssertTrue(train.output.contains("is being trained by process \(getpid())"), train.output)
        // Through a link, the same file is the same lock.
        try FileManager.default.createSymbolicLink(atPath: path("link.h5"), withDestinationPath: checkpoint)
        XCTAssertTrue(try CheckpointFixtures.runZoo(["resume", path("link.h5"), "--epochs", "2"]).output.contains("is being trained by"))
        requireSuccess(try CheckpointFixtures.runZoo(["inspect", checkpoint]))
        requireSuccess(try CheckpointFixtures.runZoo(["sample", checkpoint, "--out", path("s.png")]))
        XCTAssertEqual(try load("held.h5").epoch, 1, "the refused trainers wrote nothing")

        lock.release()
        requireSuccess(try CheckpointFixtures.runZoo(["resume", checkpoint, "--epochs", "2"]))

        // A run that fails after taking the lock (here: the model refuses its hyper-parameters)
        // leaves no lock file behind.
        let refused = try CheckpointFixtures.runZoo(["train", "ae", "--latent", "1", "--set", "hidden=[-3]", "--out", path("other.h5")])
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(".other.h5.lock")), refused.output)
    }

    /// Two "machines": network namespaces made here, joined by a veth pair on 10.201.0.0/24,
    /// mpirun in the first, its daemon started in the second through a launch agent that enters
    /// the namespace (where ssh would log in), the ranks talking over TCP between the two
    /// addresses. The weights equal two ranks' on one machine, bit for bit.
    func testTwoMachinesOverTCPTrainAsOne() throws {
        let ip = "/usr/sbin/ip", tag = String(getpid() % 100_000)
        let (a, b) = ("zoo-a-\(tag)", "zoo-b-\(tag)")
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ip) else {
            throw XCTSkip("needs root and iproute2's ip to make network namespaces")
        }
        func ipCommand(_ arguments: String) throws {
            let result = try run([ip] + arguments.split(separator: " ").map(String.init), timeout: 20)
            guard result.status == 0 else { throw ZooError("ip \(arguments): \(result.output)") }
        }
        do {
            try ipCommand("netns add \(a)")
        } catch {
            throw XCTSkip("cannot make network namespaces here (\(error))")
        }
        defer {
            _ = try? run([ip, "netns", "del", a], timeout: 20)
            _ = try? run([ip, "netns", "del", b], timeout: 20)
        }
        for command in ["netns add \(b)", "link add va\(tag) type veth peer name vb\(tag)", "link set va\(tag) netns \(a)",
                        "link set vb\(tag) netns \(b)", "-n \(a) addr add 10.201.0.1/24 dev va\(tag)",
                        "-n \(b) addr add 10.201.0.2/24 dev vb\(tag)", "-n \(a) link set va\(tag) up",
                        "-n \(b) link set vb\(tag) up", "-n \(a) link set lo up", "-n \(b) link set lo up"] {
            try ipCommand(command)
        }
        let agent = path("netns-agent")
        try """
            #!/bin/sh
            # Open MPI's launch agent (where ssh would be): runs the daemon's command "on" a host.
            host=$1; shift
            case $host in 10.201.0.1) ns=\(a);; 10.201.0.2) ns=\(b);; *) echo "unknown host $host" >&2; exit 1;; esac
            exec \(ip) netns exec $ns sh -c "$*"

            """.write(toFile: agent, atomically: true, encoding: .utf8)
        chmod(agent, 0o755)
        try "10.201.0.1 slots=1\n10.201.0.2 slots=1\n".write(toFile: path("hosts"), atomically: true, encoding: .utf8)

        let zoo = try CheckpointFixtures.zooExecutable().path
        let training = ["train", "gan", "--epochs", "1", "--limit", "2560", "--threads", "1", "--set", "hidden=[64,128]"]
        let twoMachines = try run([ip, "netns", "exec", a, try Self.mpirunExecutable().path, "--hostfile", path("hosts"),
                                   "--mca", "plm_rsh_agent", agent, "--mca", "btl", "self,tcp",
                                   "--mca", "btl_tcp_if_include", "10.201.0.0/24", "--mca", "oob_tcp_if_include", "10.201.0.0/24",
                                   "-np", "2", "--map-by", "node",
                                   "sh", "-c", "readlink /proc/self/ns/net > \(path("net"))-$OMPI_COMM_WORLD_RANK && exec \"$0\" \"$@\"",
                                   zoo] + training + ["--out", path("machines.h5")])
        requireSuccess(twoMachines)
        let namespaces = try (0..<2).map { try String(contentsOfFile: path("net-\($0)"), encoding: .utf8) }
        XCTAssertNotEqual(namespaces[0], namespaces[1], "both ranks ran in one network namespace")
        requireSuccess(try mpirun(2, training + ["--out", "one-machine.h5"]))
        XCTAssertEqual(state(try load("machines.h5")), state(try load("one-machine.h5")))
    }
}
