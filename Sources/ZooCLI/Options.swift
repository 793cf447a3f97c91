import ArgumentParser
import Foundation
import Zoo

/// Options every compute-heavy verb takes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the math (default: all cores). Same seed and threads give identical results.")
    var threads: Int?
    @Option(help: ArgumentHelp("fp32, or bf16: matrix products and convolutions on bfloat16 copies of their operands, accumulated in fp32 (needs AVX512_BF16). Training keeps it in the checkpoint (default: fp32, or the checkpoint's).", valueName: "fp32|bf16"))
    var precision: Precision?

    func validate() throws {
        if let threads, !(1...ComputeThreads.maximum).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(ComputeThreads.maximum), got \(threads)")
        }
        if let precision, let reason = precision.unavailableReason {
            throw ValidationError("--precision \(precision.rawValue): \(reason)")
        }
    }

    /// Sets the thread count and the precision of the verbs that run a model as it is (training
    /// takes its precision from the run's settings).
    func apply() {
        if let threads { ComputeThreads.set(threads) }
        ComputePrecision.set(precision ?? .fp32)
    }
}

extension Precision: ExpressibleByArgument {}

/// Runs checks of command-line values that live in the library (which throws `ZooError`) and
/// reports their failures as the usage errors they are: exit 64, with a pointer to the help.
func usageErrors<Result>(_ check: () throws -> Result) throws -> Result {
    // Escaped here: the parser's message is split into lines before it is printed, which
    // would cut a file name holding a newline in two.
    do { return try check() } catch let error as ZooError { throw ValidationError(Output.printable(error.description)) }
}

/// Where datasets come from.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A folder of your own PNG/JPEG images (one subfolder per class, or all in one folder), or a folder with the dataset's IDX files (default: $ZOO_DATA, the embedded MNIST, /usr/share/datasets).", valueName: "folder"))
    var data: String?

    /// The dataset called `name`, or an error listing the known ones.
    static func dataset(named name: String) throws -> DatasetName {
        guard let dataset = DatasetName(rawValue: name.lowercased()) else {
            throw ZooError("unknown dataset '\(name)'; expected one of: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return dataset
    }

    /// Whether --data names a folder of images rather than one holding IDX files.
    var isImageFolder: Bool { data.map { !DatasetLocator.holdsIDXFiles($0) } ?? false }

    /// Train and test images of `name`, the training set cut to `limit` images if given.
    func load(_ name: String, limit: Int? = nil) throws -> (train: ImageSet, test: ImageSet) {
        let loaded = try ImageDataset.load(try Self.dataset(named: name), dataDirectory: data)
        let train = ImageSet(loaded, .train), test = ImageSet(loaded, .test)
        return (limit.map { train.prefix($0) } ?? train, test)
    }

    /// The images `run` was trained on (its training set cut to `limit` if given), checked to be
    /// the size its model takes: its folder (or --data, where the folder moved to), fitted to
    /// the model's image shape and split as before, or its named dataset.
    func load(for run: TrainingRun, limit: Int? = nil) throws -> (train: ImageSet, test: ImageSet) {
        let images: (train: ImageSet, test: ImageSet)
        if let folder = run.settings.imageFolder {
            let directory = data ?? folder
            if let trained = run.settings.imageFolderFingerprint, (try? ImageFolder.fingerprint(directory)) != trained {
                Output.note("warning: \(directory) has changed since training began (files added, removed or rewritten): its test split is drawn anew, so test metrics are not comparable with the checkpoint's history")
            }
            images = try Self.loadFolder(directory, side: run.imageShape.height, channels: run.imageShape.channels,
                                         testFraction: run.settings.testFraction ?? 0, seed: run.settings.seed, limit: limit)
        } else {
            images = try load(run.settings.dataset, limit: limit)
        }
        try run.requireImageSize(of: images.train)
        try run.requireImageSize(of: images.test)
        return images
    }

    /// A folder of images fitted to `side` × `side` and `channels` (nil: colour if any image
    /// has it), from the cache when the folder has not changed, else decoded with a progress
    /// bar; each skipped file is one warning line, and the count is shown at the end.
    static func loadFolder(_ directory: String, side: Int, channels: Int?, testFraction: Double, seed: UInt64,
                           limit: Int? = nil) throws -> (train: ImageSet, test: ImageSet) {
        let bar = DecodeProgress(folder: directory)
        let (folder, outcome) = try ImageFolderCache.load(directory, side: side, channels: channels,
                                                          progress: { done, total in bar.update(done, total) })
        bar.finish()
        // Status on standard error, so that --json output stays JSON; the skipped files are
        // named when the folder is decoded, and counted when it comes from the cache.
        let note = Output.note
        let classes = folder.isLabelled ? "\(folder.classNames.count) class\(folder.classNames.count == 1 ? "" : "es")" : "unlabelled"
        let skipped = folder.skipped.isEmpty ? "" : ", \(folder.skipped.count) skipped"
        switch outcome {
        case .cached(let path):
            note("\(Output.printable(directory)): \(plural(folder.count, "image")), \(classes)\(skipped), \(side)x\(side) (cached in \(Output.printable(path)))")
        case .decoded(let saved, let reason):
            for warning in folder.warnings { note("warning: \(Output.printable(warning))") }
            let cache = saved.map { "cached in \(Output.printable($0))" } ?? "could not write the cache"
            note("\(Output.printable(directory)): decoded \(plural(folder.count, "image")), \(classes)\(skipped), fitted to \(side)x\(side) (\(reason); \(cache))")
        }
        let split = ImageSet.split(folder, testFraction: testFraction, seed: seed)
        guard split.train.count > 0 else {
            throw ZooError("\(Output.printable(directory)): \(plural(folder.count, "usable image")) leave none to train on after holding out --test-fraction \(testFraction)")
        }
        return (limit.map { split.train.prefix($0) } ?? split.train, split.test)
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

    init() {}
    init(checkpoint: String) { self.checkpoint = checkpoint }

    func load() throws -> TrainingRun { try CheckpointReader.load(checkpoint) }
}

/// Fails when the test set has fewer than `count` images, instead of quietly using fewer.
func requireTestImages(_ count: Int, in test: ImageSet, dataset: String) throws {
    guard count <= test.count else { throw ValidationError("-n \(count): the \(dataset) test set has \(test.count) images") }
}

/// A `--seed` value: the parser's own message for `-1` or `2^64` would say only that the value
/// is invalid, not what a seed may be.
func parseSeed(_ text: String) throws -> UInt64 {
    guard let seed = UInt64(text) else {
        throw ValidationError("a seed is a whole number from 0 to \(UInt64.max)")
    }
    return seed
}

/// `--label` of the verbs that draw or decode images: which class a conditional model (cvae,
/// cgan) draws.
struct LabelOption: ParsableArguments {
    @Option(help: ArgumentHelp("For a conditional model: the class to draw, by number or name, or 'all' for one grid row per class.",
                               valueName: "class|all"))
    var label: String?

    /// What --label asked for: one class, or every class in turn.
    enum Choice: Equatable { case one(Int), all }

    /// The choice for `run`'s model, nil without --label; a model that is not conditional, or a
    /// class it does not have, is a one-line error naming the valid ones.
    func choice(for run: TrainingRun, model: any GenerativeModel, file: String) throws -> Choice? {
        guard let label else { return nil }
        guard model.isConditional else {
            throw ValidationError("--label needs a conditional model (cvae, cgan); \(file) holds a \(run.modelType.name) model")
        }
        if label == "all" { return .all }
        if let index = run.classNames.firstIndex(of: label) { return .one(index) }
        if let index = Int(label), run.classNames.indices.contains(index) { return .one(index) }
        let names = run.classNames.enumerated().map { "\($0.offset) (\($0.element))" }.joined(separator: ", ")
        throw ValidationError("--label '\(label)' is not a class of \(file); its classes are \(names), or 'all'")
    }
}
