import Foundation
import XCTest
import Zoo
import ZooCLI
import ZooModels

/// Batch normalization in training needs at least two images per batch (and per process):
/// a model that has it refuses a batch of one before its first step, with a one-line error,
/// where its kernel would otherwise trap. Models without it train on any batch.
final class BatchNormBatchSizeTests: XCTestCase {
    override func setUp() { ZooTestSupport.registerBuiltins() }

    func run(_ model: String, batchSize: Int) throws -> TrainingRun {
        var settings = try ModelRegistry.model(named: model).defaultTraining  // batch 128, Adam
        settings.batchSize = batchSize
        settings.epochs = 1
        let modelType = try ModelRegistry.model(named: model)
        return try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
    }

    func testALastBatchOfOneImageIsRefusedBeforeTraining() throws {
        let mnist = try ZooTestSupport.mnist()
        let train = ImageSet(mnist, .train).prefix(129), test = ImageSet(mnist, .test).prefix(10)
        let dcgan = try run("dcgan", batchSize: 128)
        XCTAssertThrowsError(try dcgan.trainEpoch(train: train, test: test)) { error in
            XCTAssertEqual(String(describing: error), "dcgan uses batch normalization, which needs at least 2 images per batch; the last batch of 129 training images in batches of 128 has 1 (change --batch-size or --limit)")
        }
        XCTAssertEqual(dcgan.globalStep, 0)

        // Three processes: a batch of 5 images gives some of them 1.
        dcgan.group = ThreeProcesses()
        XCTAssertThrowsError(try dcgan.trainEpoch(train: train.prefix(5), test: test)) { error in
            XCTAssertEqual(String(describing: error), "dcgan uses batch normalization, which needs at least 2 images per batch on each process; a batch of 5 images over 3 processes gives some 1 (change --batch-size or --limit, or run fewer processes)")
        }

        // No batch norm, no limit: the MLP GAN trains on the lone last image.
        let gan = try run("gan", batchSize: 128)
        gan.model.setTraining(true)
        XCTAssertNoThrow(try gan.trainEpoch(train: train, test: test))
        XCTAssertEqual(gan.globalStep, 2)
    }

    func testBatchSizeOneIsAOneLineError() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-batch-norm")
        try zooFails(["train", "dcgan", "--batch-size", "1", "--limit", "4", "--epochs", "1", "--threads", "1"], in: folder,
                     mentioning: ["dcgan uses batch normalization", "batches of 1"], mustNotExist: ["dcgan.h5"], quietStdout: false)
    }
}

/// Says it is rank 0 of three; every collective fails (the check under test comes before any).
private final class ThreeProcesses: ProcessGroup {
    var rank: Int { 0 }
    var size: Int { 3 }
    func sum(_ values: UnsafeMutableBufferPointer<Float>) throws { throw ZooError("no collectives here") }
    func sum(_ values: UnsafeMutableBufferPointer<Double>) throws { throw ZooError("no collectives here") }
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) throws { throw ZooError("no collectives here") }
    func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] { throw ZooError("no collectives here") }
}
