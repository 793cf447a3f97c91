import XCTest
import Zoo
import ZooModels

/// The MLP models compute what they computed before images got a shape (NCHW batches, format
/// version 2): two epochs of each on the first 1,024 MNIST images, batch 64, seed 0, one
/// thread, give exactly the losses and test metrics that build wrote, to the last bit. The
/// numbers were taken from `zoo train MODEL --epochs 2 --limit 1024 --batch-size 64 --threads 1`
/// built from the commit before the change (`zoo inspect --json` prints them in full).
final class PinnedLossesTests: XCTestCase {
    static let pinned: [String: [(losses: [String: Double], metrics: [String: Double])]] = [
        "ae": [(["mse": 0.15642010420560837], ["mse": 0.08244186687858739]),
               (["mse": 0.07460638741031289], ["mse": 0.07545987972337374])],
        "vae": [(["bce": 355.2687473297119, "kl": 14.536056960001588, "loss": 369.8048028945923],
                 ["bce": 233.85288671875, "kl": 17.565774169921873, "loss": 251.41866088867187]),
                (["bce": 218.16942691802979, "kl": 9.35722154378891, "loss": 227.52664852142334],
                 ["bce": 213.565618359375, "kl": 8.739504309082031, "loss": 222.30512266845705])],
        "gan": [(["d_fake": 0.5564509704709053, "d_loss": 1.0685308575630188, "d_real": 0.7923696897923946, "g_loss": 0.6469137743115425],
                 ["d_fake": 0.6050192698836326, "d_loss": 1.348629242181778, "d_real": 0.6591431796550751, "g_loss": 0.5027363047003746]),
                (["d_fake": 0.5740732457488775, "d_loss": 1.2651029154658318, "d_real": 0.6708146221935749, "g_loss": 0.8175816722214222],
                 ["d_fake": 0.5747808009386063, "d_loss": 1.3216162592172622, "d_real": 0.6305334866046906, "g_loss": 0.5539429798722267])],
    ]

    func testMLPModelsComputeWhatTheyDidBefore() throws {
        ZooTestSupport.registerBuiltins()
        let saved = ComputeThreads.count
        ComputeThreads.set(1)
        defer { ComputeThreads.set(saved) }
        let mnist = try ZooTestSupport.mnist()
        let train = ImageSet(mnist, .train).prefix(1024), test = ImageSet(mnist, .test)
        for (name, epochs) in Self.pinned.sorted(by: { $0.key < $1.key }) {
            let modelType = try ModelRegistry.model(named: name)
            var settings = modelType.defaultTraining
            settings.epochs = 2
            settings.batchSize = 64
            settings.limit = 1024
            let run = try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
            for (epoch, expected) in epochs.enumerated() {
                let record = try run.trainEpoch(train: train, test: test)
                XCTAssertEqual(record.losses, expected.losses, "\(name) epoch \(epoch + 1) losses")
                XCTAssertEqual(record.metrics, expected.metrics, "\(name) epoch \(epoch + 1) test metrics")
            }
        }
    }
}
