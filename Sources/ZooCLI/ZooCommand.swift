import ArgumentParser
import Zoo

/// The `zoo` command line. Packages that register their own models reuse it whole:
/// `ZooCommand.run(models: builtinModels + [MyModel.self])`.
public struct ZooCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train, store and serve generative models of images (AE, VAE, GAN) on the CPU.",
        discussion: """
            Checkpoints are HDF5 files (see Checkpoints/FORMAT.md) that h5py, PyTorch and other Swift
            programs can read. Start with `zoo list`, then `zoo train vae`.
            """,
        version: "zoo \(ZooVersion.current)",
        subcommands: [List.self, Train.self, Resume.self, Sample.self, Decode.self, Encode.self,
                      Reconstruct.self, Eval.self, Inspect.self, DataCommand.self])

    public init() {}

    /// Registers `models` and runs the command line (exits the process).
    public static func run(models: [any GenerativeModel.Type], arguments: [String]? = nil) -> Never {
        ModelRegistry.register(models)
        main(arguments)
        exit(withError: nil)
    }
}
