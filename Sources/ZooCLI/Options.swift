import ArgumentParser
import Zoo

/// Options every compute-heavy verb takes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the math (default: all cores). Same seed and threads give identical results.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...ComputeThreads.maximum).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(ComputeThreads.maximum), got \(threads)")
        }
    }

    func apply() {
        if let threads { ComputeThreads.set(threads) }
    }
}

/// Runs checks of command-line values that live in the library (which throws `ZooError`) and
/// reports their failures as the usage errors they are: exit 64, with a pointer to the help.
func usageErrors<Result>(_ check: () throws -> Result) throws -> Result {
    do { return try check() } catch let error as ZooError { throw ValidationError(error.description) }
}

/// Where datasets come from.
struct DataOptions: ParsableArguments {
    @Option(help: "Folder with the dataset's IDX files (default: $ZOO_DATA, the embedded MNIST, /usr/share/datasets).")
    var data: String?

    /// The dataset called `name`, or an error listing the known ones.
    static func dataset(named name: String) throws -> DatasetName {
        guard let dataset = DatasetName(rawValue: name.lowercased()) else {
            throw ZooError("unknown dataset '\(name)'; expected one of: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return dataset
    }

    /// Train and test images of `name`, the training set cut to `limit` images if given.
    func load(_ name: String, limit: Int? = nil) throws -> (train: ImageSet, test: ImageSet) {
        let loaded = try ImageDataset.load(try Self.dataset(named: name), dataDirectory: data)
        let train = ImageSet(loaded, .train), test = ImageSet(loaded, .test)
        return (limit.map { train.prefix($0) } ?? train, test)
    }

    /// The images `run` was trained on (its training set cut to `limit` if given), checked to be
    /// the size its model takes.
    func load(for run: TrainingRun, limit: Int? = nil) throws -> (train: ImageSet, test: ImageSet) {
        let images = try load(run.settings.dataset, limit: limit)
        try run.requireImageSize(of: images.train)
        try run.requireImageSize(of: images.test)
        return images
    }
}

/// `--json` for reporting verbs.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}

/// A checkpoint argument, loaded with every check.
struct CheckpointArgument: ParsableArguments {
    @Argument(help: "A zoo checkpoint (.h5).")
    var checkpoint: String

    func load() throws -> TrainingRun { try CheckpointReader.load(checkpoint) }
}

/// Fails when the test set has fewer than `count` images, instead of quietly using fewer.
func requireTestImages(_ count: Int, in test: ImageSet, dataset: String) throws {
    guard count <= test.count else { throw ValidationError("-n \(count): the \(dataset) test set has \(test.count) images") }
}
