import Foundation
import XCTest
import Zoo
import ZooModels

/// A model trained for a fixed number of steps by `LearningTest.train`, with its losses and
/// its test metrics before and after.
struct LearningRun {
    var run: TrainingRun
    /// The losses of every step, in order.
    var stepLosses: [[String: Float]]
    var untrained: [String: Double]
    var trained: [String: Double]
}

/// The learning tests' harness: train a registered model for a bounded number of steps on a
/// subset of MNIST and evaluate it before and after, on one compute thread: the results are
/// then the same on every machine with the same kernels, whatever its core count.
class LearningTestCase: XCTestCase {
    private var savedThreads = 1

    override func setUp() {
        ZooTestSupport.registerBuiltins()
        savedThreads = ComputeThreads.count
        ComputeThreads.set(1)
    }

    override func tearDown() { ComputeThreads.set(savedThreads) }
    /// Trains a fresh model (default settings but `batchSize`) for exactly `steps` steps on the
    /// first `trainCount` training images, reshuffled every pass (as `TrainingRun.trainEpoch`
    /// does, with `epochFinished` between passes), and evaluates it before and after on the
    /// first `testCount` test images. `probe` is called before the first step (with 0) and after
    /// every step (with the number of steps done).
    ///
    /// The seed is 0, or $ZOO_LEARNING_SEED: run the tests with other seeds to re-check the margins.
    func train(_ name: String, overrides: [String: String] = [:], trainCount: Int, testCount: Int,
               steps: Int, batchSize: Int = 64,
               seed: UInt64 = UInt64(ProcessInfo.processInfo.environment["ZOO_LEARNING_SEED"] ?? "") ?? 0,
               probe: (Int, TrainingRun) -> Void = { _, _ in }) throws -> LearningRun {
        let mnist = try ZooTestSupport.mnist()
        let train = ImageSet(mnist, .train).prefix(trainCount), test = ImageSet(mnist, .test).prefix(testCount)
        let modelType = try ModelRegistry.model(named: name)
        var settings = modelType.defaultTraining
        settings.batchSize = batchSize
        settings.seed = seed
        let run = try TrainingRun.start(modelType, hyperparametersJSON: try modelType.hyperparametersJSON(overriding: overrides), settings: settings)
        let untrained = run.evaluate(test)
        let optimizers = run.optimizers.map(\.optimizer)
        var losses: [[String: Float]] = []
        var shuffler = run.dataGenerator
        var batches = train.batches(size: batchSize, order: shuffler.permutation(train.count), range: modelType.pixelRange)
        var next = 0
        probe(0, run)
        while losses.count < steps {
            if next == batches.count {
                run.model.setTraining(false)
                run.model.epochFinished(trainingSet: train.batches(size: 1000, range: modelType.pixelRange))
                batches = train.batches(size: batchSize, order: shuffler.permutation(train.count), range: modelType.pixelRange)
                next = 0
            }
            run.model.setTraining(true)  // as TrainingRun.trainEpoch does around its steps (a probe may evaluate)
            let stepLosses = run.model.trainStep(batches.batch(next), labels: batches.labels(next), optimizers: optimizers, generator: &run.modelGenerator)
            next += 1
            losses.append(stepLosses)
            XCTAssertTrue(stepLosses.values.allSatisfy(\.isFinite), "\(name) step \(losses.count): \(stepLosses)")
            probe(losses.count, run)
        }
        run.model.setTraining(false)
        run.model.epochFinished(trainingSet: train.batches(size: 1000, range: modelType.pixelRange))
        let trained = run.evaluate(test)
        print("\(name) seed \(seed): untrained \(untrained), after \(steps) steps \(trained)")
        return LearningRun(run: run, stepLosses: losses, untrained: untrained, trained: trained)
    }

    func mean(_ values: [Float]) -> Double { values.map(Double.init).reduce(0, +) / Double(max(values.count, 1)) }

    /// The test images' mean image, in `range`.
    func meanImage(of set: ImageSet, range: PixelRange) -> Tensor {
        set.tensor(0..<set.count, range: range).sum(axis: 0).affine(scale: 1 / Float(set.count))
    }

}
