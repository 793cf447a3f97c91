import ArgumentParser
import Foundation
import XCTest
import Zoo
import ZooCLI
import ZooModels

/// A model defined outside the package's Models/ folder, as another package would: a linear
/// autoencoder (x → Wx + b → W'z + b', the PCA subspace at its optimum), trained on MSE.
final class TinyLinearAutoEncoder: GenerativeModel {
    struct Hyperparameters: Codable, Sendable, Equatable {
        var latent = 4
    }

    static let name = "tiny"
    static let summary = "Linear autoencoder defined in the tests (PCA-like)"
    static let encodeDescription = "the projection of each image on the learned subspace"
    static let defaultHyperparameters = Hyperparameters()
    static let defaultTraining = TrainingSettings(epochs: 1, batchSize: 100, learningRate: 1e-2)
    static let pixelRange = PixelRange.unit

    let hyperparameters: Hyperparameters
    var latentSize: Int { hyperparameters.latent }
    let encoder: Linear
    let decoder: Linear
    let imageShape: ImageShape

    init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws {
        guard h.latent > 0 else { throw ZooError("tiny: latent must be positive") }
        hyperparameters = h
        self.imageShape = imageShape
        encoder = Linear(imageShape.elementCount, h.latent, generator: &generator)
        decoder = Linear(h.latent, imageShape.elementCount, generator: &generator)
    }

    var layers: [(name: String, layer: any Layer)] { [("encoder", encoder), ("decoder", decoder)] }

    func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] {
        [("optimizer", settings.adam(namedParameters))]
    }

    func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] {
        let loss = mseLoss(reshape(decoder(encoder(flatten(Variable(images)))), images.shape), images)
        optimizers[0].step(gradients(of: loss, withRespectTo: namedParameters.map(\.parameter)))
        return ["mse": loss.value.scalar]
    }

    func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] {
        let squaredError = mseLoss(Variable(reconstruct(images)), images, reduction: .sum).value.scalar
        return ["mse": Double(squaredError) / Double(imageShape.elementCount)]
    }

    func encode(_ images: Tensor) -> Tensor { encoder(flatten(Variable(images))).value }
    func decode(_ latents: Tensor) -> Tensor { decoder(Variable(latents)).value.reshaped(imageShape.batch(latents.shape[0])) }
    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor { decode(generator.normal([count, latentSize])) }
}

/// Another model under the same name, to see what registering a name twice does.
final class TinyReplacement: GenerativeModel {
    struct Hyperparameters: Codable, Sendable, Equatable { var latent = 3 }
    static let name = "tiny"
    static let summary = "replacement"
    static let defaultHyperparameters = Hyperparameters()
    static let defaultTraining = TrainingSettings()
    static let pixelRange = PixelRange.unit
    let hyperparameters: Hyperparameters
    var latentSize: Int { hyperparameters.latent }
    init(_ h: Hyperparameters, imageShape: ImageShape, classCount: Int, generator: inout RandomGenerator) throws { hyperparameters = h }
    var layers: [(name: String, layer: any Layer)] { [] }
    func makeOptimizers(_ settings: TrainingSettings) -> [(name: String, optimizer: any Optimizer)] { [] }
    func trainStep(_ images: Tensor, labels: [Int], optimizers: [any Optimizer], generator: inout RandomGenerator) -> [String: Float] { [:] }
    func evaluate(_ images: Tensor, labels: [Int], generator: inout RandomGenerator) -> [String: Double] { [:] }
    func encode(_ images: Tensor) -> Tensor { .zeros([images.shape[0], latentSize]) }
    func decode(_ latents: Tensor) -> Tensor { .zeros(ImageShape.mnist.batch(latents.shape[0])) }
    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor { .zeros(ImageShape.mnist.batch(count)) }
}

/// Registering a model gives it every verb of the `zoo` command line, in process, through the
/// same `ZooCommand` another package's executable would run.
final class RegistryTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        ModelRegistry.register(builtinModels + [TinyLinearAutoEncoder.self])
        folder = try ZooTestSupport.temporaryDirectory(self, "zoo-registry")
    }

    /// Parses `arguments` as `zoo` would and runs the verb, returning what it printed on stdout.
    @discardableResult
    func zooInProcess(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var command = try ZooCommand.parseAsRoot(arguments)
        return try captureStandardOutput { try command.run() }
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The message zoo prints for `error`, without the usage lines argument-parser adds.
    func firstLine(of error: Error) -> String? {
        ZooCommand.message(for: error).split(separator: "\n").first.map(String.init)
    }

    func testARegisteredModelGetsEveryVerb() throws {
        let checkpoint = path("tiny.h5")
        // train: 2000 images, batches of 100 (the model's own default), one epoch.
        let training = try zooInProcess(["train", "tiny", "--limit", "2000", "--out", checkpoint])
        XCTAssertTrue(training.contains("training tiny on mnist (2000 images of 28x28 gray, 1 epoch, batch 100, lr 0.01, seed 0, "), training)
        XCTAssertTrue(training.contains("epoch 1/1  train mse "), training)
        let run = try CheckpointReader.load(checkpoint)
        XCTAssertTrue(run.modelType == TinyLinearAutoEncoder.self)
        XCTAssertEqual(run.globalStep, 20)
        // It learns: the test MSE after the epoch is below the untrained model's (same seed).
        let mnist = try ZooTestSupport.mnist()
        let untrained = try TrainingRun.start(TinyLinearAutoEncoder.self, hyperparametersJSON: TinyLinearAutoEncoder.defaultHyperparametersJSON,
                                              settings: TinyLinearAutoEncoder.defaultTraining).evaluate(ImageSet(mnist, .test))["mse"]!
        let mse = try XCTUnwrap(run.history.first?.metrics["mse"])
        XCTAssertLessThan(mse, untrained, "the linear autoencoder did not learn")

        // resume to a second epoch
        let resumed = try zooInProcess(["resume", checkpoint, "--epochs", "2"])
        XCTAssertTrue(resumed.contains("epoch 2/2  train mse "), resumed)
        // ... and keeps learning in the resumed epoch (measured: 0.127 after one, 0.080 after two).
        XCTAssertLessThan(try XCTUnwrap(try CheckpointReader.load(checkpoint).history[1].metrics["mse"]), mse)

        // sample
        let samples = try zooInProcess(["sample", checkpoint, "-n", "6", "--out", path("s.png")])
        XCTAssertTrue(samples.contains("(6 images, 182x32 pixels)"), samples)
        XCTAssertEqual(try readZooPNG(folder.appendingPathComponent("s.png")).width, 182)

        // encode, as JSON
        let encoded = try zooInProcess(["encode", checkpoint, "-n", "2", "--json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: Any], encoded)
        XCTAssertEqual(object["model"] as? String, "tiny")
        XCTAssertEqual(object["meaning"] as? String, TinyLinearAutoEncoder.encodeDescription)
        XCTAssertEqual((object["images"] as? [[String: Any]])?.map { ($0["z"] as? [Double])?.count }, [4, 4])

        // decode a vector of the right size; a wrong size names the model's latent size
        try zooInProcess(["decode", checkpoint, "--z", "0,0,0,0", "--out", path("d.png")])
        XCTAssertEqual(try readZooPNG(folder.appendingPathComponent("d.png")).width, 28)
        XCTAssertThrowsError(try zooInProcess(["decode", checkpoint, "--z", "0,0", "--out", path("bad.png")])) { error in
            XCTAssertEqual("\(error)", "latent vector 1 has 2 values; \(checkpoint) (tiny) expects 4")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.png")))

        // reconstruct
        let reconstruction = try zooInProcess(["reconstruct", checkpoint, "-n", "4", "--out", path("r.png")])
        XCTAssertTrue(reconstruction.contains("over 4 test images"), reconstruction)

        // eval
        let evaluation = try zooInProcess(["eval", checkpoint, "--json"])
        let metrics = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(evaluation.utf8)) as? [String: Any])?["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["mse"])
        XCTAssertEqual(metrics["mse"] ?? .nan, try CheckpointReader.load(checkpoint).history[1].metrics["mse"]!, accuracy: 1e-6)

        // inspect
        let inspection = try zooInProcess(["inspect", checkpoint, "--json"])
        let tensors = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(inspection.utf8)) as? [String: Any])?["tensors"] as? [[String: Any]])
        let shapes = Dictionary(uniqueKeysWithValues: tensors.map { ($0["path"] as! String, $0["shape"] as! [Int]) })
        XCTAssertEqual(shapes["/weights/encoder.weight"], [4, 784])
        XCTAssertEqual(shapes["/weights/decoder.weight"], [784, 4])
        XCTAssertEqual(shapes["/weights/decoder.bias"], [784])

        // list
        let listing = try zooInProcess(["list", "--json"])
        let models = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [[String: Any]])
        let tiny = try XCTUnwrap(models.first { $0["name"] as? String == "tiny" }, listing)
        XCTAssertEqual(tiny["summary"] as? String, TinyLinearAutoEncoder.summary)
        XCTAssertEqual((tiny["hyperparameters"] as? [String: Any])?["latent"] as? Int, 4)
        XCTAssertEqual(Set(models.compactMap { $0["name"] as? String }).isSuperset(of: ["ae", "gan", "vae", "tiny"]), true)

        // --set reaches the plugin's own hyper-parameters, and unknown ones name them
        try zooInProcess(["train", "tiny", "--limit", "200", "--set", "latent=2", "--out", path("tiny2.h5")])
        XCTAssertEqual(try CheckpointReader.loadModel(path("tiny2.h5")).latentSize, 2)
        try zooInProcess(["decode", path("tiny2.h5"), "--manifold", "3", "--out", path("m.png")])
        XCTAssertThrowsError(try zooInProcess(["train", "tiny", "--set", "hidden=3", "--out", path("tiny3.h5")])) { error in
            XCTAssertEqual(self.firstLine(of: error), "unknown hyper-parameter of tiny 'hidden'; known: latent")
        }
    }

    /// Command-line values take the kind of the default: one number for a list is a list of
    /// one (`--hidden 300`), and a comma list is a list.
    func testHyperparameterOverridesFollowTheDefaults() throws {
        let vae = try ModelRegistry.model(named: "vae")
        XCTAssertEqual(try vae.hyperparametersJSON(overriding: ["hidden": "300"]), #"{"beta":1,"hidden":[300],"latent":20}"#)
        XCTAssertEqual(try vae.hyperparametersJSON(overriding: ["hidden": "512, 256", "latent": "2"]), #"{"beta":1,"hidden":[512,256],"latent":2}"#)
        XCTAssertEqual(try vae.hyperparametersJSON(overriding: ["hidden": "[64]"]), #"{"beta":1,"hidden":[64],"latent":20}"#)
        let gan = try ModelRegistry.model(named: "gan")
        XCTAssertTrue(try gan.hyperparametersJSON(overriding: ["leakySlope": "0.1"]).contains(#""leakySlope":0.1"#))
        XCTAssertThrowsError(try vae.hyperparametersJSON(overriding: ["latent": "1e30"])) { error in
            XCTAssertEqual("\(error)", "hyper-parameter of vae 'latent' is 1e30; expected a whole number from -9223372036854775808 to 9223372036854775807")
        }
    }

    func testUnknownModelNamesTheRegisteredOnes() throws {
        // The list is every registered name, sorted (other tests in this process may add more).
        let expected = "unknown model 'nope'; registered models: " + ModelRegistry.all.map { $0.name }.joined(separator: ", ")
        let names = Set(ModelRegistry.all.map { $0.name })
        XCTAssertTrue(names.isSuperset(of: ["ae", "gan", "tiny", "vae"]), "\(names)")
        XCTAssertThrowsError(try ModelRegistry.model(named: "nope")) { error in
            XCTAssertEqual(error as? ZooError, ZooError(expected))
        }
        XCTAssertThrowsError(try zooInProcess(["train", "nope", "--out", path("x.h5")])) { error in
            XCTAssertEqual(self.firstLine(of: error), expected)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.h5")))
        // Names are looked up case-insensitively (for names registered in lower case).
        XCTAssertTrue(try ModelRegistry.model(named: "TINY") == TinyLinearAutoEncoder.self)
    }

    func testRegisteringANameAgainReplacesTheModel() throws {
        ModelRegistry.register([TinyReplacement.self])
        defer { ModelRegistry.register([TinyLinearAutoEncoder.self]) }
        XCTAssertTrue(try ModelRegistry.model(named: "tiny") == TinyReplacement.self)
        XCTAssertEqual(ModelRegistry.all.filter { $0.name == "tiny" }.count, 1, "one entry per name")
        let names = ModelRegistry.all.map { $0.name }
        XCTAssertEqual(names, names.sorted(), "sorted by name")
        // Registering the built-ins again changes nothing.
        let before = ModelRegistry.all.map { ObjectIdentifier($0) }
        ModelRegistry.register(builtinModels)
        XCTAssertEqual(ModelRegistry.all.map { ObjectIdentifier($0) }, before)
    }

    func testACheckpointOfAModelTheExecutableDoesNotKnow() throws {
        // Written in process, where "tiny" is registered; the zoo executable knows only the
        // built-in models and must say so in one line.
        try zooInProcess(["train", "tiny", "--limit", "100", "--out", path("tiny.h5")])
        _ = try ZooBinary.url()
        try zooFails(["sample", "tiny.h5", "--out", "s.png"], in: folder,
                     mentioning: ["unknown model 'tiny'", "registered models: ae, cgan, classifier, convvae, cvae, dcgan, gan, vae"], mustNotExist: ["s.png"])
        try zooFails(["inspect", "tiny.h5"], in: folder, mentioning: ["unknown model 'tiny'"])
    }
}

/// Runs `body` with the process's stdout (file descriptor 1) sent to a file, and returns what
/// was written. The verbs print with Swift's `print`, which goes through C stdio.
func captureStandardOutput(_ body: () throws -> Void) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-stdout-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    fflush(nil)
    let saved = dup(STDOUT_FILENO)
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard saved >= 0, fd >= 0 else { throw ZooError("cannot redirect stdout") }
    dup2(fd, STDOUT_FILENO)
    close(fd)
    var failure: Error?
    do { try body() } catch { failure = error }
    fflush(nil)
    dup2(saved, STDOUT_FILENO)
    close(saved)
    let text = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    if let failure { throw failure }
    return text
}
