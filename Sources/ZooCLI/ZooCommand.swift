import ArgumentParser
import Foundation
import Zoo
import ZooMPI

/// The `zoo` command line. Packages that register their own models reuse it whole:
/// `ZooCommand.run(models: builtinModels + [MyModel.self])`.
public struct ZooCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train, store and serve generative models of images (AE, VAE, GAN, DCGAN, conv, conditional and β-VAEs) on the CPU, and score them with a classifier of their data.",
        discussion: """
            Checkpoints are HDF5 files (see Checkpoints/FORMAT.md) that h5py, PyTorch and other Swift \
            programs can read. Start with `zoo list`, then `zoo train vae`.
            """,
        version: "zoo \(ZooVersion.current)",
        subcommands: [List.self, Train.self, Resume.self, Sample.self, Decode.self, Encode.self,
                      Reconstruct.self, Eval.self, Leaderboard.self, Inspect.self, DataCommand.self])

    public init() {}

    /// Registers `models` and runs the command line (exits the process).
    public static func run(models: [any TrainableModel.Type], arguments: [String]? = nil) -> Never {
        ModelRegistry.register(models)
        let given = NegativeValues.attached(arguments ?? Array(CommandLine.arguments.dropFirst()))
        // Under mpirun, rank 0 speaks for the job: the others print nothing.
        if !MPILaunch.isRoot { dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO) }
        do {
            try checkVerb(given)
            try checkProcessCount(given)
            var command = try parseAsRoot(given)
            try command.run()
            MPILaunch.finish()
            exit()
        } catch {
            // Help and version requests exit cleanly through the parser; real errors get one line.
            if exitCode(for: error) == .success {
                MPILaunch.finish()
                exit(withError: error)
            }
            if let code = error as? ExitCode {  // an exit status with its message already printed
                fflush(nil)
                exit(withError: code)
            }
            // Rank 0 reports for the job: a mistake in the command line every rank makes alike,
            // a failure during training every rank meets at the same step, and any rank's
            // failure to start (which `ProcessGroup.agree` hands to rank 0).
            if !MPILaunch.isRoot { exit(withError: ExitCode(1)) }
            var message = Output.printable(oneLine(error))
            // Only a mistyped command line needs pointing at the help; a failure of the work itself does not.
            let isUsageError = exitCode(for: error) == .validationFailure
            if isUsageError { message += " (see `\(helpCommand(for: given))`)" }
            fflush(nil)  // what was printed before the error comes before it in a log, too
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            exit(withError: ExitCode(isUsageError ? 64 : 1))
        }
    }

    /// The error's message on one line. zoo's own errors are one line already, and a newline
    /// in them belongs to a file name (escaped when printed); the parser's messages come with
    /// usage lines, which are dropped.
    static func oneLine(_ error: Error) -> String {
        if error is ZooError || error is DataError { return String(describing: error) }
        return message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }.joined(separator: " ")
    }

    static var verbs: [String] { configuration.subcommands.map { $0._commandName } }

    /// An unknown verb, also after `help`, named as such (the parser would call it an
    /// "unexpected argument", or show the general help and succeed).
    static func checkVerb(_ arguments: [String]) throws {
        let candidate = arguments.first == "help" ? arguments.dropFirst().first : arguments.first
        guard let candidate, !candidate.hasPrefix("-"), candidate != "help", !verbs.contains(candidate) else { return }
        throw ValidationError("unknown command '\(candidate)'; commands: \(verbs.joined(separator: ", "))")
    }

    /// Several processes train one model together; any other verb would run N times over.
    static func checkProcessCount(_ arguments: [String]) throws {
        guard let processes = MPILaunch.environment?.size, processes > 1, let verb = arguments.first,
              verbs.contains(verb), !["train", "resume"].contains(verb) else { return }
        throw ValidationError("zoo \(verb) runs on one process; of the verbs only train and resume run under mpirun -np \(processes)")
    }

    /// `zoo help train` when the command line names a verb, else `zoo help`.
    static func helpCommand(for arguments: [String]) -> String {
        guard let verb = arguments.first, verbs.contains(verb) else { return "zoo help" }
        return "zoo help \(verb)"
    }
}
