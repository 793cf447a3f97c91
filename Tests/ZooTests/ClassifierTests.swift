import Foundation
import XCTest
import Zoo
import ZooModels

/// The classifier plugin: it learns, it is a model of its own kind (train, resume, eval and
/// inspect; no sample or encode), and `zoo eval` reports its accuracy and confusion matrix.
final class ClassifierTests: XCTestCase {
    static let arguments = ["classifier", "--epochs", "1", "--limit", "3000", "--set", "channels=[8,16]", "--set", "features=32",
                            "--set", "dropout=0", "--lr", "0.004"]
    var folder: URL!

    override func setUpWithError() throws {
        ZooTestSupport.registerBuiltins()
        _ = try ZooBinary.url()
        folder = try ZooTestSupport.temporaryDirectory(self, "zoo-classifier")
    }

    func classifier() throws -> URL { try sharedCheckpoint("c.h5", Self.arguments).url }

    /// One epoch (47 steps) on 3,000 MNIST images with the narrow network above: measured at
    /// 0.895-0.938 test accuracy (loss 0.23-0.38) over seeds 0-4. Broken gradients or label
    /// plumbing stay near 0.1; a model that ignored the labels could not pass 0.2.
    func testOneShortEpochClassifiesMostTestDigits() throws {
        let result = try zooOK(["eval", try classifier().path, "--json"], in: folder)
        let report = try XCTUnwrap(try result.json() as? [String: Any], result.description)
        let metrics = try XCTUnwrap(report["metrics"] as? [String: Double])
        XCTAssertGreaterThan(metrics["accuracy"] ?? 0, 0.85, result.description)
        XCTAssertLessThan(metrics["loss"] ?? .infinity, 0.6, result.description)

        // The confusion matrix counts every test image once, and its diagonal is the accuracy.
        let confusion = try XCTUnwrap(report["confusion_matrix"] as? [String: Any])
        let counts = try XCTUnwrap(confusion["counts"] as? [[Int]])
        XCTAssertEqual(confusion["classes"] as? [String], (0..<10).map(String.init))
        XCTAssertEqual(counts.count, 10)
        XCTAssertEqual(counts.joined().reduce(0, +), 10_000)
        let diagonal = (0..<10).map { counts[$0][$0] }.reduce(0, +)
        XCTAssertEqual(Double(diagonal) / 10_000, metrics["accuracy"] ?? 0, accuracy: 1e-12)
    }

    func testEvalPrintsAndDrawsTheConfusionMatrix() throws {
        let result = try zooOK(["eval", try classifier().path, "--plot", "confusion.png"], in: folder)
        XCTAssertTrue(result.stdout.contains("confusion matrix (rows: true class, columns: predicted)"), result.description)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.last?.isNumber == true && $0.first?.isNumber == true }.count, 10, result.description)
        let image = try ImageFile.read(path: folder.appendingPathComponent("confusion.png").path)
        XCTAssertEqual(image.channels, 3)
        XCTAssertGreaterThan(image.width, 10 * 40)
    }

    /// A verb the model lacks is one line naming the verbs it has; the checkpoint stays.
    func testGenerativeVerbsAreOneLineErrors() throws {
        let file = try classifier().path
        for verb in [["sample"], ["encode"], ["reconstruct"], ["decode", "--z", "0,0"]] {
            try zooFails([verb[0], file] + verb.dropFirst(), in: folder,
                         mentioning: ["a classifier model cannot \(verb[0])", "its verbs are train, resume, eval, inspect"])
        }
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        try zooFails(["eval", vae, "--plot", "c.png"], in: folder, mentioning: ["--plot draws a classifier's confusion matrix"], mustNotExist: ["c.png"], usage: true)
    }

    /// A folder with one unlabelled class cannot train a classifier.
    func testAClassifierNeedsTwoClasses() throws {
        let images = folder.appendingPathComponent("flat")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<4 {
            try PixelImage(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: UInt8(i * 40), count: 64))
                .writePNG(to: images.appendingPathComponent("\(i).png").path)
        }
        // The folder is decoded (a status line) before its classes are known.
        let result = try zoo(["train", "classifier", "--data", images.path, "--image-size", "8"], in: folder)
        XCTAssertEqual(result.status, 64, result.description)
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("Error: ") && last.contains("a classifier needs at least 2"), result.description)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("classifier.h5").path))
    }

    /// The library's loaders say what kind of model a checkpoint holds.
    func testLoadersNameTheKindOfModel() throws {
        let file = try classifier().path
        let classifier = try CheckpointReader.loadClassifier(file)
        XCTAssertEqual(classifier.classCount, 10)
        XCTAssertThrowsError(try CheckpointReader.loadModel(file)) { error in
            XCTAssertTrue("\(error)".contains("not a generative model"), "\(error)")
        }
        let images = try ImageSet(ImageDataset.load(.mnist), .test).tensor(0..<5, range: .unit)
        XCTAssertEqual(classifier.features(of: images).shape, [5, 32])
        XCTAssertEqual(classifier.predict(images).count, 5)
    }

    /// The published yardsticks hold the accuracy the issue asks of them: at least 99.2% on
    /// MNIST and 91.5% on Fashion-MNIST (where that dataset is installed).
    func testPublishedClassifiersReachTheirAccuracy() throws {
        for (dataset, bound) in [(DatasetName.mnist, 0.992), (.fashionMNIST, 0.915)] {
            guard let loaded = try? ImageDataset.load(dataset) else {
                XCTAssertNotEqual(dataset, .mnist, "MNIST is embedded")
                continue
            }
            let reference = try ReferenceClassifier.published(for: dataset.rawValue)
            let accuracy = ConfusionMatrix(reference.classifier, on: ImageSet(loaded, .test), pixelRange: reference.pixelRange).accuracy
            XCTAssertGreaterThanOrEqual(accuracy, bound, dataset.rawValue)
        }
    }
}
