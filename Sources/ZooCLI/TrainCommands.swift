import ArgumentParser
import Foundation
import Zoo
import ZooMPI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model, writing a checkpoint at the end of every epoch.",
        discussion: """
            Defaults reproduce the reference lab for each model; `zoo list` shows them. Under \
            `mpirun -np N`, N processes train one model together, each on its share of every batch \
            (README: "Training on several processes or machines").
            """)

    @Argument(help: "The model to train (see `zoo list`).")
    var model: String

    @Option(help: "mnist or fashion-mnist.")
    var dataset = "mnist"
    @Option(help: "Epochs to train.")
    var epochs: Int?
    @Option(help: "Images per step.")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "Adam learning rate.")
    var lr: Float?
    @Option(parsing: .unconditional, help: "Latent size.")
    var latent: Int?
    @Option(help: "Hidden layer widths, comma-separated (e.g. 512,256).")
    var hidden: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Any other hyper-parameter, as key=value (repeatable).", valueName: "key=value"))
    var settings: [String] = []
    @Option(help: "Random seed for weights, shuffling and noise.", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(help: "Checkpoint file to write (default: MODEL.h5).")
    var out: String?
    @Option(help: "Also write the checkpoint every N steps.")
    var checkpointEvery: Int?
    @Option(help: "Train on the first N training images only (quick trials).")
    var limit: Int?
    @Flag(help: "Start over when the output file is a zoo checkpoint already (any other file is never replaced).")
    var force = false
    @Option(help: "With --data FOLDER: each image's shorter side is scaled to this and its middle square kept.")
    var imageSize: Int?
    @Option(help: "With --data FOLDER: 1 (gray) or 3 (RGB); default 3 if any image has colour, else 1.")
    var channels: Int?
    @Option(help: "With --data FOLDER: the share of its images held out as the test set (seeded; default 0.1).")
    var testFraction: Double?
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    /// The model, its hyper-parameters and training settings the flags ask for, checked.
    private func plan() throws -> (modelType: any TrainableModel.Type, hyperparametersJSON: String, training: TrainingSettings) {
        let modelType = try ModelRegistry.model(named: model)
        var overrides: [String: String] = [:]
        if let latent {
            guard latent >= 1 else { throw ZooError("--latent must be at least 1, got \(latent)") }
            overrides["latent"] = String(latent)
        }
        if let hidden { overrides["hidden"] = hidden }
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ZooError("--set expects key=value, got '\(setting)'") }
            guard overrides[parts[0]] == nil else { throw ZooError("--set \(setting): '\(parts[0])' is given twice") }
            overrides[parts[0]] = parts[1]
        }
        var training = modelType.defaultTraining
        if let folder = data.data, data.isImageFolder {
            training.imageFolder = URL(fileURLWithPath: folder).standardizedFileURL.path
            training.dataset = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
            training.testFraction = testFraction ?? 0.1
            training.imageFolderFingerprint = try ImageFolder.fingerprint(training.imageFolder!)
            if let imageSize, !(1...CheckpointLayout.maximumImageSide).contains(imageSize) {
                throw ZooError("--image-size must be between 1 and \(CheckpointLayout.maximumImageSide), got \(imageSize)")
            }
            if let channels, channels != 1 && channels != 3 { throw ZooError("--channels must be 1 or 3, got \(channels)") }
        } else {
            if let flag = [("--image-size", imageSize != nil), ("--channels", channels != nil), ("--test-fraction", testFraction != nil)]
                .first(where: \.1)?.0 {
                throw ZooError("\(flag) shapes a folder of images given with --data FOLDER; \(dataset) has its own size and test set")
            }
            training.dataset = try DataOptions.dataset(named: dataset).rawValue  // as named everywhere: "mnist", not "MNIST"
        }
        training.seed = seed
        training.limit = limit
        if let epochs { training.epochs = epochs }
        if let batchSize { training.batchSize = batchSize }
        if let lr { training.learningRate = lr }
        training.precision = compute.precision == .bf16 ? .bf16 : nil
        try training.validate()
        if let checkpointEvery, checkpointEvery < 1 { throw ZooError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
        return (modelType, try modelType.hyperparametersJSON(overriding: overrides), training)
    }

    func validate() throws {
        // Under mpirun only rank 0 writes, on its own machine.
        guard MPILaunch.isRoot else { return }
        try usageErrors { try OutputPath.checkCheckpoint(outputPath(for: try plan().modelType), replacing: force) }
    }

    private func outputPath(for modelType: any TrainableModel.Type) -> String { out ?? "\(modelType.name).h5" }

    /// A folder's images are fitted to 28x28 unless --image-size says otherwise: the size the
    /// built-in models were designed for.
    static let defaultImageSize = 28

    func run() throws {
        StopRequest.install(keepListening: MPILaunch.isLaunched)
        let group = try MPILaunch.processGroup()
        compute.apply()
        // Every process reads its own flags and data; rank 0 also locks the checkpoint. Under
        // mpirun all go on only when all succeeded (`agree`).
        var prepared: (run: TrainingRun, images: (train: ImageSet, test: ImageSet), path: String)?
        var lock: TrainingLock?
        try group.agree(group.attempt {
            let (modelType, hyperparametersJSON, training) = try plan()
            let path = outputPath(for: modelType)
            if group.isRoot { lock = try TrainingLock(path) }
            let images = try loadImages(modelType: modelType, hyperparametersJSON: hyperparametersJSON, training: training)
            // The flags are checked; what still fails here is the model plugin refusing its
            // hyper-parameters (`--set latent=-3`), which is a command-line mistake too.
            let run = try usageErrors {
                try TrainingRun.start(modelType, hyperparametersJSON: hyperparametersJSON,
                                      settings: training, imageShape: images.train.shape, classNames: images.train.classNames)
            }
            run.settings.worldSize = group.size > 1 ? group.size : nil
            prepared = (run, images, path)
        })
        let (ownRun, images, path) = prepared!
        try group.requireSame(jobDescription(ownRun, images))
        let run = try TrainingRun.shared(ownRun, over: group)
        let training = run.settings
        print("training \(run.modelType.name) on \(Output.printable(training.dataset)) (\(plural(images.train.count, "image")) of \(images.train.shape), \(plural(training.epochs, "epoch")), batch \(training.batchSize), lr \(training.learningRate), seed \(training.seed), \(threadsAndProcesses(group))\(training.precision.map { ", \($0.rawValue)" } ?? ""))")
        print("hyper-parameters \(run.model.hyperparametersJSON)")
        fflush(nil)  // a log or a pipe shows the header now, not after the first epoch
        defer { lock?.release() }
        try drive(run, data: images, checkpoint: path, checkpointEvery: checkpointEvery)
    }

    /// The training and test images the flags name.
    private func loadImages(modelType: any TrainableModel.Type, hyperparametersJSON: String,
                            training: TrainingSettings) throws -> (train: ImageSet, test: ImageSet) {
        if training.imageFolder != nil {
            // Before decoding anything: a model that cannot take images of this size (a
            // perceptron over 4096x4096 pixels) is a one-line error now, not after minutes of
            // decoding. The channel and class counts are not known yet; one channel and two
            // classes are the least they can be.
            var scratch = RandomGenerator(seed: 0)
            let side = imageSize ?? Self.defaultImageSize
            _ = try usageErrors {
                try modelType.make(hyperparametersJSON: hyperparametersJSON,
                                   imageShape: ImageShape(channels: channels ?? 1, height: side, width: side), classCount: 2,
                                   generator: &scratch)
            }
        }
        // The folder as the user named it (messages name its files so); the settings keep its absolute path.
        return try training.imageFolder.map { _ in
            try DataOptions.loadFolder(data.data!, side: imageSize ?? Self.defaultImageSize, channels: channels,
                                       testFraction: training.testFraction ?? 0, seed: training.seed, limit: limit)
        } ?? data.load(training.dataset, limit: limit)
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue training from a checkpoint, exactly where it stopped.",
        discussion: """
            With the same thread count (and process count, under mpirun) the result is \
            bit-identical to an uninterrupted run. Any number of processes can resume a checkpoint.
            """)

    @OptionGroup var file: CheckpointArgument
    @Option(help: "Total epochs to reach (default: the checkpoint's target).")
    var epochs: Int?
    @Option(help: "Also write the checkpoint every N steps.")
    var checkpointEvery: Int?
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)") }
    }

    func run() throws {
        StopRequest.install(keepListening: MPILaunch.isLaunched)
        let group = try MPILaunch.processGroup()
        compute.apply()
        // Rank 0 reads the checkpoint (only its machine needs the file) and locks it; every
        // process then gets its run and loads the data itself.
        var loaded: TrainingRun?
        var lock: TrainingLock?
        try group.agree(group.attempt {
            guard group.isRoot else { return }
            let run = try file.load()
            if let epochs {
                guard epochs > run.epoch || (epochs == run.epoch && run.stepInEpoch > 0) else {
                    throw ValidationError("\(file.checkpoint) has already trained \(plural(run.epoch, "epoch")); pass --epochs N with N > \(run.epoch)")
                }
                run.settings.epochs = epochs
            }
            if run.isFinished {
                throw ValidationError("\(file.checkpoint) finished its \(plural(run.settings.epochs, "epoch")); pass --epochs N with N > \(run.epoch) to train more")
            }
            try OutputPath.checkResumable(file.checkpoint)
            lock = try TrainingLock(file.checkpoint)
            let written = run.settings.worldSize ?? 1
            if written != group.size { print("the checkpoint was written by \(plural(written, "process")); continuing on \(group.size)") }
            let trainedIn = run.settings.precision ?? .fp32
            if let precision = compute.precision, precision != trainedIn {
                print("the checkpoint was trained in \(trainedIn.rawValue); continuing in \(precision.rawValue)")
                run.settings.precision = precision == .bf16 ? .bf16 : nil
            } else if let reason = trainedIn.unavailableReason {
                throw ZooError("\(file.checkpoint) trains in \(trainedIn.rawValue), which cannot run here: \(reason) (pass --precision fp32 to continue in fp32)")
            }
            run.settings.worldSize = group.size > 1 ? group.size : nil
            loaded = run
        })
        let run = try TrainingRun.shared(loaded, over: group)
        var images: (train: ImageSet, test: ImageSet)?
        try group.agree(group.attempt { images = try data.load(for: run, limit: run.settings.limit) })
        try group.requireSame(jobDescription(run, images!))
        print("resuming \(run.modelType.name) from \(file.checkpoint) at epoch \(run.epoch + 1), step \(run.stepInEpoch) (target \(plural(run.settings.epochs, "epoch"))\(run.settings.precision.map { ", \($0.rawValue)" } ?? ""))")
        fflush(nil)
        defer { lock?.release() }
        try drive(run, data: images!, checkpoint: file.checkpoint, checkpointEvery: checkpointEvery)
    }
}

/// What every process of a job must agree on, a "what: value" line each.
func jobDescription(_ run: TrainingRun, _ images: (train: ImageSet, test: ImageSet)) -> String {
    ["zoo: \(ZooVersion.current)", "model: \(run.modelType.name)", "hyper-parameters: \(run.model.hyperparametersJSON)",
     "settings: \(JSONText.encode(run.settings))",
     "training images: \(images.train.count) of \(images.train.shape), checksum \(images.train.checksum)",
     "test images: \(images.test.count), checksum \(images.test.checksum)"].joined(separator: "\n")
}

/// "2 threads", or "2 processes of 2 threads" under mpirun.
func threadsAndProcesses(_ group: any ProcessGroup) -> String {
    group.size > 1 ? "\(plural(group.size, "process")) of \(plural(ComputeThreads.count, "thread"))" : plural(ComputeThreads.count, "thread")
}

/// "1 epoch", "3 epochs".
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : noun.hasSuffix("s") ? "es" : "s")"
}
