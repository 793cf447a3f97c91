import Foundation

/// One epoch's line in the history: training losses (means per image), test metrics, time.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var losses: [String: Double]
    public var metrics: [String: Double]
    /// The whole epoch: its training steps, the model's end-of-epoch work and the test evaluation.
    public var seconds: Double
}

/// Where training is, reported after every step.
public struct TrainingProgress: Sendable {
    public var epoch: Int, epochs: Int
    public var step: Int, stepsPerEpoch: Int
    /// Running means of the losses over the epoch so far.
    public var losses: [String: Double]
    public var imagesPerSecond: Double
    public var secondsLeftInEpoch: Double
}

/// A model with its optimizers and everything needed to continue training exactly: the
/// random streams, the position in the data, the history. A checkpoint is a snapshot of this.
public final class TrainingRun {
    public let modelType: any TrainableModel.Type
    public let model: any TrainableModel
    public let optimizers: [(name: String, optimizer: any Optimizer)]
    public var settings: TrainingSettings
    /// The shape of the images the model was built for.
    public let imageShape: ImageShape
    /// The classes of the data it was trained on, by label.
    public let classNames: [String]

    /// Noise for the model's steps (reparameterisation, GAN latents).
    public var modelGenerator: RandomGenerator
    /// The shuffling stream as it was at the start of the current epoch, so a run resumed
    /// mid-epoch draws the same order again.
    public var dataGenerator: RandomGenerator
    /// Completed epochs, batches done in the current one, and batches done in all.
    public var epoch = 0, stepInEpoch = 0, globalStep = 0
    /// Loss sums (over images) and image count and time of the epoch in progress.
    public var partialLossSums: [String: Double] = [:]
    public var partialImages = 0
    /// The training steps alone of the last epoch this process finished (its record's seconds
    /// add the end-of-epoch work and the test evaluation): what benchmarks compare with other
    /// libraries' epochs. Not stored in checkpoints.
    public private(set) var lastEpochStepSeconds: Double?
    public var partialSeconds = 0.0
    public var history: [EpochRecord] = []
    /// The processes training this run together (`mpirun -np N zoo train`); one by default.
    /// With more, each takes its share of every batch (`BatchShard`) and the gradients are
    /// averaged before each optimizer step (`GradientAveraging`); see `trainEpoch`.
    public var group: any ProcessGroup = SingleProcess()

    public init(modelType: any TrainableModel.Type, model: any TrainableModel, settings: TrainingSettings,
                modelGenerator: RandomGenerator, dataGenerator: RandomGenerator, imageShape: ImageShape, classNames: [String]) {
        self.modelType = modelType
        self.imageShape = imageShape
        self.classNames = classNames
        self.model = model
        self.settings = settings
        self.optimizers = model.makeOptimizers(settings)
        self.modelGenerator = modelGenerator
        self.dataGenerator = dataGenerator
    }

    /// A new run: weights drawn from the seed, shuffling from a stream derived from it.
    public static func start(_ modelType: any TrainableModel.Type, hyperparametersJSON: String,
                             settings: TrainingSettings, imageShape: ImageShape = .mnist,
                             classNames: [String] = DatasetName.mnist.classNames) throws -> TrainingRun {
        try settings.validate()
        var generator = RandomGenerator(seed: settings.seed)
        let model = try modelType.make(hyperparametersJSON: hyperparametersJSON, imageShape: imageShape,
                                       classCount: classNames.count, generator: &generator)
        return TrainingRun(modelType: modelType, model: model, settings: settings, modelGenerator: generator,
                           dataGenerator: RandomGenerator(seed: settings.seed ^ 0x5EED_DA7A),
                           imageShape: imageShape, classNames: classNames)
    }

    public var isFinished: Bool { epoch >= settings.epochs }

    /// Fails unless `images` have the shape the model was built for: another data set under
    /// the same name (`--data`) would otherwise reach the model's matrix products.
    public func requireImageSize(of images: ImageSet) throws {
        guard images.shape == imageShape else {
            throw ZooError("\(settings.dataset) images are \(images.shape); the checkpoint's \(modelType.name) takes \(imageShape)")
        }
    }

    /// Trains until the end of the current epoch, calling `progress` after each step and
    /// `checkpoint` every `checkpointEvery` steps and at the end of the epoch. When
    /// `stopRequested` turns true (Ctrl-C), it checkpoints the step it is at and throws
    /// `TrainingStopped`, so that a resumed run continues from there exactly.
    @discardableResult
    public func trainEpoch(train: ImageSet, test: ImageSet, checkpointEvery: Int? = nil,
                           stopRequested: () -> Bool = { false },
                           progress: (TrainingProgress) -> Void = { _ in },
                           checkpoint: (TrainingRun) throws -> Void = { _ in }) throws -> EpochRecord {
        try requireImageSize(of: train)
        try requireImageSize(of: test)
        // The epoch's steps and evaluation run in the run's precision.
        let precision = settings.precision ?? .fp32
        if let reason = precision.unavailableReason { throw ZooError("precision \(precision.rawValue): \(reason)") }
        let precisionBefore = ComputePrecision.current
        ComputePrecision.set(precision)
        defer { ComputePrecision.set(precisionBefore) }
        var shuffler = dataGenerator
        let batches = train.batches(size: settings.batchSize, order: shuffler.permutation(train.count), range: modelType.pixelRange)
        guard stepInEpoch < batches.count else {
            throw ZooError("the run is at step \(stepInEpoch) of an epoch, but \(train.count) images make \(batches.count) steps of \(settings.batchSize)")
        }
        let distributed = group.size > 1
        let shard = BatchShard(batches, rank: group.rank, size: group.size)
        try requireTwoImagesPerBatchNorm(shard, trainingImages: train.count)
        let averaging = distributed ? optimizers.map { GradientAveraging($0.optimizer, group: group) } : []
        let optimizerList = distributed ? averaging : optimizers.map(\.optimizer)
        // Batch normalization and dropout train only here; everywhere else the model evaluates.
        model.setTraining(true)
        defer { model.setTraining(false) }
        let clock = ContinuousClock()
        var start = clock.now
        var imagesThisSession = 0

        while stepInEpoch < batches.count {
            let losses: [String: Double], stopAsked: Bool
            if distributed {
                (losses, stopAsked) = try distributedStep(shard, averaging: averaging, stopRequested: stopRequested)
            } else {
                losses = model.trainStep(batches.batch(stepInEpoch), labels: batches.labels(stepInEpoch),
                                         optimizers: optimizerList, generator: &modelGenerator).mapValues(Double.init)
                stopAsked = stopRequested()
            }
            if let bad = losses.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
                throw ZooError("training diverged: '\(bad.key)' became \(Float(bad.value)) at epoch \(epoch + 1), step \(stepInEpoch + 1) (try a lower --lr)")
            }
            let n = shard.globalCount(stepInEpoch)
            for (name, value) in losses { partialLossSums[name, default: 0] += value * Double(n) }
            partialImages += n
            imagesThisSession += n
            stepInEpoch += 1
            globalStep += 1

            let elapsed = seconds(clock.now - start)
            let rate = Double(imagesThisSession) / max(elapsed, 1e-9)
            progress(TrainingProgress(epoch: epoch + 1, epochs: settings.epochs, step: stepInEpoch, stepsPerEpoch: batches.count,
                                      losses: partialLossSums.mapValues { $0 / Double(partialImages) },
                                      imagesPerSecond: rate,
                                      secondsLeftInEpoch: Double(train.count - partialImages) / max(rate, 1e-9)))
            // Mid-epoch only: the epoch's end is checkpointed below anyway.
            let midEpoch = stepInEpoch < batches.count
            let stopping = midEpoch && stopAsked
            if stopping || (midEpoch && checkpointEvery.map { $0 > 0 && globalStep % $0 == 0 } == true) {
                partialSeconds += seconds(clock.now - start)
                start = clock.now
                try checkpoint(self)
            }
            if stopping { throw TrainingStopped(epoch: epoch, step: stepInEpoch) }
        }

        partialSeconds += seconds(clock.now - start)
        let endOfSteps = clock.now
        if distributed { try requireIdenticalWeights() }
        model.setTraining(false)
        // The steps' buffers go before the evaluation's come, and those before the next steps'.
        Tensor.releasePooledMemory()
        model.epochFinished(trainingSet: train.batches(size: Self.evaluationBatchSize, range: modelType.pixelRange))
        let metrics = evaluate(test)
        Tensor.releasePooledMemory()
        let record = EpochRecord(epoch: epoch + 1,
                                 losses: partialLossSums.mapValues { $0 / Double(max(partialImages, 1)) },
                                 metrics: metrics,
                                 seconds: partialSeconds + seconds(clock.now - endOfSteps))
        lastEpochStepSeconds = partialSeconds
        history.append(record)
        epoch += 1
        stepInEpoch = 0
        dataGenerator = shuffler
        partialLossSums = [:]
        partialImages = 0
        partialSeconds = 0
        try checkpoint(self)
        return record
    }

    /// Batch normalization in training normalises over the batch: a batch (or a process's
    /// share of one) of a single image has nothing to normalise a feature over (PyTorch refuses
    /// it too). Checked before the first step, for every model with batch-norm statistics.
    func requireTwoImagesPerBatchNorm(_ shard: BatchShard, trainingImages: Int) throws {
        guard model.namedBuffers.contains(where: { $0.buffer.isVariance }), shard.count > 0 else { return }
        let last = shard.globalCount(shard.count - 1), smallest = min(settings.batchSize, last)
        guard smallest / shard.size < 2 else { return }
        let which = shard.size > 1
            ? "a batch of \(smallest) images over \(shard.size) processes gives some \(smallest / shard.size == 0 ? "none" : "1")"
            : last < settings.batchSize
            ? "the last batch of \(trainingImages) training images in batches of \(settings.batchSize) has \(last)"
            : "batches of \(settings.batchSize)"
        throw ZooError("\(modelType.name) uses batch normalization, which needs at least 2 images per batch\(shard.size > 1 ? " on each process" : ""); \(which) (change --batch-size or --limit\(shard.size > 1 ? ", or run fewer processes" : ""))")
    }

    /// Images per forward pass when evaluating or summarising a data set: this bounds the
    /// evaluation's working set (its buffers and training's take turns in the tensor pool, which
    /// is emptied between the two); 250 divides MNIST's 60,000 and 10,000, so no odd-sized last
    /// batch adds more.
    public static let evaluationBatchSize = 250

    /// Test-set metrics, averaged per image. Uses its own fixed noise so evaluating never moves
    /// the training streams.
    public func evaluate(_ test: ImageSet) -> [String: Double] {
        Self.evaluate(model, modelType: modelType, on: test, seed: settings.seed)
    }

    /// Runs the model in evaluation mode (and leaves it there).
    public static func evaluate(_ model: any TrainableModel, modelType: any TrainableModel.Type, on test: ImageSet, seed: UInt64) -> [String: Double] {
        model.setTraining(false)
        guard test.count > 0 else { return [:] }  // no test set (--test-fraction 0): no metrics
        var generator = RandomGenerator(seed: seed ^ 0x7E57)
        var sums: [String: Double] = [:]
        let batches = test.batches(size: evaluationBatchSize, range: modelType.pixelRange)
        for index in 0..<batches.count {
            let metrics = model.evaluate(batches.batch(index), labels: batches.labels(index), generator: &generator)
            for (name, value) in metrics { sums[name, default: 0] += value }
        }
        return sums.mapValues { $0 / Double(max(test.count, 1)) }
    }
}

/// Training stopped on request, after checkpointing step `step` of epoch `epoch + 1`.
public struct TrainingStopped: Error, Equatable {
    public let epoch: Int, step: Int
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
