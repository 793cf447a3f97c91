import Foundation
import XCTest
import Zoo
import ZooHDF5

/// What layers with state and randomness do inside a training run: batch norm's running
/// statistics move only while training and are saved as PyTorch saves them; dropout draws from
/// the run's generator; every verb runs the model in evaluation mode; colour images go through.
final class LayerStateTests: CheckpointTestCase {
    func buffers(_ run: TrainingRun) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: run.model.namedBuffers.map { ($0.name, $0.buffer.value) })
    }

    func testBatchNormStatisticsMoveOnlyInTrainingAndAreSaved() throws {
        let run = try CheckpointFixtures.start("tinyconv", epochs: 2, limit: 256)
        let data = try CheckpointFixtures.data(train: 256)
        let initial = buffers(run)
        XCTAssertEqual(Set(initial.keys), ["encoder.1.running_mean", "encoder.1.running_var", "encoder.1.num_batches_tracked"])
        XCTAssertEqual(initial["encoder.1.running_var"]?.scalars, [1, 1, 1, 1])

        try run.trainEpoch(train: data.train, test: data.test.prefix(100))
        let trained = buffers(run)
        XCTAssertEqual(trained["encoder.1.num_batches_tracked"]?.scalar, 4, "256 images in batches of 64")
        XCTAssertFalse(trained["encoder.1.running_mean"]!.isIdentical(to: initial["encoder.1.running_mean"]!))

        // Evaluating, sampling, encoding: evaluation mode, nothing moves, the same twice.
        _ = run.evaluate(data.test)
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        let images = data.test.tensor(0..<8, range: .unit)
        XCTAssertTrue(run.generative.sample(8, generator: &g1).isIdentical(to: run.generative.sample(8, generator: &g2)))
        XCTAssertTrue(run.generative.encode(images).isIdentical(to: run.generative.encode(images)), "dropout is off in evaluation")
        for (name, value) in buffers(run) { XCTAssertTrue(value.isIdentical(to: trained[name]!), name) }

        // Saved as a PyTorch state_dict holds them: the counter an int64 scalar.
        let file = path("bn.h5")
        try CheckpointWriter.save(run, to: file)
        let weights = try HDF5File.open(file).root.openGroup("weights")
        XCTAssertEqual(try weights.openDataset("encoder.1.num_batches_tracked").elementType, .int64)
        XCTAssertEqual(try weights.openDataset("encoder.1.num_batches_tracked").shape, [])
        XCTAssertEqual(try weights.openDataset("encoder.1.running_var").shape, [4])
        XCTAssertEqual(buffers(try CheckpointReader.load(file))["encoder.1.num_batches_tracked"]?.scalar, 4)
    }

    /// Dropout's masks come from the run's model generator: the same seed trains the same
    /// weights, and the draws move that generator (a resumed run continues the same stream).
    func testDropoutDrawsFromTheRunsGenerator() throws {
        let data = try CheckpointFixtures.data(train: 128)
        func train(dropout: Float) throws -> TrainingRun {
            CheckpointFixtures.registerModels()
            let run = try TrainingRun.start(TinyConvAutoEncoder.self, hyperparametersJSON: #"{"dropout":\#(dropout),"latent":4,"width":4}"#,
                                            settings: TrainingSettings(epochs: 1, batchSize: 64, seed: 3))
            try run.trainEpoch(train: data.train, test: data.test.prefix(50))
            return run
        }
        let a = try train(dropout: 0.3), b = try train(dropout: 0.3), none = try train(dropout: 0)
        CheckpointCompare.assertIdentical(a, b, timing: false, "same seed")
        XCTAssertNotEqual(a.modelGenerator, none.modelGenerator, "dropout drew from the model's generator")
    }

    /// RGB images (MNIST digits tinted a different colour each) train, and sample as an RGB grid.
    func testColourImagesTrainAndSampleInColour() throws {
        let gray = try CheckpointFixtures.data(train: 256).train
        let shape = ImageShape(channels: 3, height: 28, width: 28)
        var pixels: [UInt8] = []
        for i in 0..<gray.count {
            let digit = gray.pixels[(i * 784)..<((i + 1) * 784)]
            let tint: [Float] = [[1, 0.3, 0.3], [0.3, 1, 0.3], [0.3, 0.3, 1]][i % 3]
            for channel in 0..<3 { pixels += digit.map { UInt8(Float($0) * tint[channel]) } }
        }
        let colour = ImageSet(pixels: pixels, labels: gray.labels, shape: shape, classNames: gray.classNames)
        CheckpointFixtures.registerModels()
        let run = try TrainingRun.start(TinyConvAutoEncoder.self, hyperparametersJSON: CheckpointFixtures.tinyHyperparameters["tinyconv"]!,
                                        settings: TrainingSettings(epochs: 1, batchSize: 64, seed: 1), imageShape: shape,
                                        classNames: gray.classNames)
        let untrained = run.evaluate(colour.prefix(64))["mse"]!
        let record = try run.trainEpoch(train: colour, test: colour.prefix(64))
        XCTAssertLessThan(record.metrics["mse"]!, untrained)
        var generator = RandomGenerator(seed: 2)
        let samples = run.generative.sample(4, generator: &generator)
        XCTAssertEqual(samples.shape, [4, 3, 28, 28])
        let grid = ImageGrid.make(images: samples.scalars, count: 4, channels: 3, rows: 28, cols: 28)
        XCTAssertEqual(grid.channels, 3)

        // A gray model refuses colour data, naming both shapes.
        let grayRun = try CheckpointFixtures.start("tinyconv")
        XCTAssertThrowsError(try grayRun.trainEpoch(train: colour, test: colour)) { error in
            XCTAssertEqual("\(error)", "mnist images are 28x28 RGB; the checkpoint's tinyconv takes 28x28 gray")
        }
    }
}
