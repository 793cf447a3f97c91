import XCTest
import ZooModels

final class ProbeTests: XCTestCase {
    func testProbeEpoch() throws {
        guard ProcessInfo.processInfo.environment["ZOO_PROBE"] != nil else { return }
        let data = try ImageDataset.load(.mnist)
        let train = ImageSet(data, .train), test = ImageSet(data, .test)
        for model in builtinModels {
            var settings = model.defaultTraining
            settings.epochs = 1
            let run = try TrainingRun.start(model, hyperparametersJSON: model.defaultHyperparametersJSON, settings: settings)
            let t0 = Date()
            let record = try run.trainEpoch(train: train, test: test)
            print(model.name, Date().timeIntervalSince(t0), record)
        }
    }
}
