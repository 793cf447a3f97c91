import Foundation
import XCTest
import Zoo
import ZooModels

/// Every verb through the real `zoo` executable, end to end, in fresh temporary folders.
///
/// The VAE checkpoint all VAE verbs read is trained once per test process (the first test that
/// needs it trains it, see `sharedCheckpoint`): one epoch on 1000 MNIST images with one hidden
/// layer of 64, which takes well under a second. These tests are about plumbing, not quality.
final class CLIVerbTests: CLITestCase {
    static let vaeArguments = ["vae", "--epochs", "1", "--limit", "1000", "--set", "hidden=[64]"]
    static let aeArguments = ["ae", "--epochs", "1", "--limit", "1000", "--set", "hidden=[32]"]
    /// One thread for the GAN: its encode runs 300 tiny gradient steps, where thread hand-offs on a
    /// busy 2-core machine cost more than the arithmetic (2.2 s with two threads, 0.3 s with one).
    static let ganArguments = ["gan", "--epochs", "1", "--limit", "1000", "--set", "hidden=[32,64]", "--latent", "16", "--threads", "1"]

    func vae() throws -> URL { try sharedCheckpoint("v.h5", Self.vaeArguments).url }

    // MARK: train

    func testTrainVAEWritesCheckpointAndEpochSummary() throws {
        let (checkpoint, result) = try sharedCheckpoint("v.h5", Self.vaeArguments)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("training vae on mnist (1000 images of 28x28 gray, 1 epoch, batch 128") == true, result.description)
        XCTAssertTrue(lines.contains("hyper-parameters {\"beta\":1,\"hidden\":[64],\"latent\":20}"), result.description)
        // One summary line per epoch: training losses, test metrics, time, and where it went.
        let summaries = lines.filter { $0.hasPrefix("epoch ") }
        XCTAssertEqual(summaries.count, 1, result.description)
        let summary = try XCTUnwrap(summaries.first)
        XCTAssertTrue(summary.hasPrefix("epoch 1/1  train loss "), summary)
        for part in ["bce ", "kl ", "|  test loss ", "→ v.h5"] { XCTAssertTrue(summary.contains(part), "'\(part)' missing in \(summary)") }
        // Not a terminal: no progress bar control characters in the log.
        XCTAssertFalse(result.stdout.contains("\u{1B}"), result.description)

        let bytes = try Data(contentsOf: checkpoint)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], "not an HDF5 file")
        let run = try CheckpointReader.load(checkpoint.path)
        XCTAssertEqual(run.modelType.name, "vae")
        XCTAssertEqual(run.epoch, 1)
        XCTAssertEqual(run.globalStep, 8)  // ceil(1000 / 128) batches, the last one partial
        XCTAssertEqual(run.settings.limit, 1000)
        XCTAssertEqual(run.generative.latentSize, 20)
        XCTAssertEqual(run.history.count, 1)
        XCTAssertEqual(Set(run.history[0].metrics.keys), ["loss", "bce", "kl"])
        // No temporary file left beside the checkpoint.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: checkpoint.deletingLastPathComponent().path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    // MARK: sample

    func testSampleWritesAGridOfSixteen() throws {
        let checkpoint = try vae().path
        let result = try zooOK(["sample", checkpoint, "-n", "16", "--out", "s.png"], in: folder)
        XCTAssertTrue(result.stdout.contains("wrote s.png (16 images, 242x62 pixels)"), result.description)
        let png = try readZooPNG(folder.appendingPathComponent("s.png"))
        // 8 per row, 28x28 cells, padding 2 around each: 8·30+2 wide, 2·30+2 high.
        XCTAssertEqual(png.width, 242)
        XCTAssertEqual(png.height, 62)
        XCTAssertEqual(png.channels, 1)
        // Not blank: inside the cells, many gray levels with contrast (measured: about 120 levels,
        // deviation about 47), and the 16 samples are not all the same picture.
        let cells = png.cells(16)
        XCTAssertGreaterThan(Set(cells.joined()).count, 16)
        XCTAssertGreaterThan(grayDeviation(Array(cells.joined())), 10)
        XCTAssertGreaterThan(Set(cells).count, 1, "all samples are identical")
        // The padding between cells is black, as torchvision's make_grid leaves it.
        XCTAssertEqual(Set(png.pixels[0..<(2 * png.width)]), [0])
        // The same seed draws the same samples; another seed draws others.
        try zooOK(["sample", checkpoint, "-n", "16", "--out", "again.png"], in: folder)
        XCTAssertEqual(try readZooPNG(folder.appendingPathComponent("again.png")), png)
        try zooOK(["sample", checkpoint, "-n", "16", "--seed", "5", "--out", "other.png"], in: folder)
        XCTAssertNotEqual(try readZooPNG(folder.appendingPathComponent("other.png")), png)
        // --nrow changes the layout: 16 images, 4 per row.
        try zooOK(["sample", checkpoint, "-n", "16", "--nrow", "4", "--out", "tall.png"], in: folder)
        let tall = try readZooPNG(folder.appendingPathComponent("tall.png"))
        XCTAssertEqual([tall.width, tall.height], [122, 122])
    }

    // MARK: encode

    func testEncodeJSONGivesLatentCodesOfTestImages() throws {
        let checkpoint = try vae().path
        let result = try zooOK(["encode", checkpoint, "-n", "3", "--json"], in: folder)
        let object = try XCTUnwrap(try result.json() as? [String: Any], result.description)
        XCTAssertEqual(object["model"] as? String, "vae")
        XCTAssertFalse((object["meaning"] as? String ?? "").isEmpty)
        let images = try XCTUnwrap(object["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 3)
        let mnist = try ZooTestSupport.mnist()
        let model = try CheckpointReader.loadModel(checkpoint)
        let expected = model.encode(ImageSet(mnist, .test).tensor(0..<3, range: .unit))
        for (i, image) in images.enumerated() {
            XCTAssertEqual(image["index"] as? Int, i)
            XCTAssertEqual(image["label"] as? Int, Int(mnist.testLabels[i]))
            let z = try XCTUnwrap(image["z"] as? [Double])
            XCTAssertEqual(z.count, 20, "the VAE's latent size")
            XCTAssertNil(image["logvar"], "log-variance only with --details")
            // The printed codes are the model's own (μ of q(z|x)), to float precision.
            for (j, value) in z.enumerated() { XCTAssertEqual(value, Double(expected.scalars[i * 20 + j]), accuracy: 1e-6) }
        }
        let details = try zooOK(["encode", checkpoint, "-n", "2", "--json", "--details"], in: folder)
        let detailed = try XCTUnwrap((try details.json() as? [String: Any])?["images"] as? [[String: Any]])
        XCTAssertEqual(detailed.count, 2)
        XCTAssertEqual((detailed.first?["logvar"] as? [Double])?.count, 20, details.description)
        // The text form: one line per image after the header.
        let text = try zooOK(["encode", checkpoint, "-n", "2"], in: folder)
        XCTAssertEqual(text.stdout.split(separator: "\n").filter { $0.hasPrefix("test image ") }.count, 2, text.description)
    }

    // MARK: decode

    func testDecodeTurnsVectorsIntoImagesAndRefusesAWrongSize() throws {
        let checkpoint = try vae().path
        let zero = Array(repeating: "0", count: 20).joined(separator: ",")
        let mixed = (0..<20).map { String(format: "%.2f", Double($0 % 5) * 0.5 - 1) }.joined(separator: ",")
        try zooOK(["decode", checkpoint, "--z", zero, "--out", "one.png"], in: folder)
        let one = try readZooPNG(folder.appendingPathComponent("one.png"))
        XCTAssertEqual([one.width, one.height], [28, 28], "a single image has no grid padding")
        // z = 0 decodes to a faint average digit after 8 steps of training (deviation ≈ 5.7), not to a blank.
        XCTAssertGreaterThan(grayDeviation(one.pixels), 2, "a blank image")
        // Vectors may start with a negative number when written --z=...
        try zooOK(["decode", checkpoint, "--z", zero, "--z=\(mixed)", "--out", "two.png"], in: folder)
        let two = try readZooPNG(folder.appendingPathComponent("two.png"))
        XCTAssertEqual([two.width, two.height], [62, 32])
        assertSamePicture(two.cell(row: 0, column: 0), one.pixels, "decoding one vector alone or in a batch")

        try zooFails(["decode", checkpoint, "--z", "1,2,3", "--out", "bad.png"], in: folder,
                     mentioning: ["latent vector 1 has 3 values", "expects 20"], mustNotExist: ["bad.png"], usage: true)
        try zooFails(["decode", checkpoint, "--z", zero, "--z", zero + ",1", "--out", "bad.png"], in: folder,
                     mentioning: ["latent vector 2 has 21 values", "expects 20"], mustNotExist: ["bad.png"], usage: true)
    }

    // MARK: reconstruct

    func testReconstructShowsOriginalsAboveReconstructions() throws {
        let checkpoint = try vae().path
        let result = try zooOK(["reconstruct", checkpoint, "-n", "8", "--out", "r.png"], in: folder)
        XCTAssertTrue(result.stdout.contains("reconstruction mse "), result.description)
        XCTAssertTrue(result.stdout.contains("over 8 test images"), result.description)
        let png = try readZooPNG(folder.appendingPathComponent("r.png"))
        XCTAssertEqual([png.width, png.height], [242, 62], "8 originals in row 1, their 8 reconstructions in row 2")
        // Row 1 holds the test images themselves, byte for byte (x/255 maps back to x exactly).
        let mnist = try ZooTestSupport.mnist()
        for i in 0..<8 {
            XCTAssertEqual(png.cell(row: 0, column: i), Array(mnist.image(i, split: .test)), "original \(i)")
            XCTAssertNotEqual(png.cell(row: 1, column: i), Array(mnist.image(i, split: .test)), "reconstruction \(i)")
        }
    }

    // MARK: eval

    func testEvalJSONReportsTheTestMetrics() throws {
        let checkpoint = try vae().path
        let result = try zooOK(["eval", checkpoint, "--json"], in: folder)
        let object = try XCTUnwrap(try result.json() as? [String: Any], result.description)
        XCTAssertEqual(object["model"] as? String, "vae")
        XCTAssertEqual(object["epoch"] as? Int, 1)
        XCTAssertEqual(object["dataset"] as? String, "mnist")
        XCTAssertEqual(object["images"] as? Int, 10000)
        let metrics = try XCTUnwrap(object["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["loss", "bce", "kl", "iwae_nll"])
        let loss = try XCTUnwrap(metrics["loss"]), bce = try XCTUnwrap(metrics["bce"]), kl = try XCTUnwrap(metrics["kl"])
        XCTAssertEqual(loss, bce + kl, accuracy: 1e-6 * loss)
        // The importance-weighted bound (10 samples by default) is tighter than the ELBO.
        XCTAssertEqual(object["iwae_samples"] as? Int, 10)
        XCTAssertLessThan(try XCTUnwrap(metrics["iwae_nll"]), loss)
        XCTAssertGreaterThan(try XCTUnwrap(metrics["iwae_nll"]), loss - 20)
        // Below an untrained model's ~549 per image (784·ln 2 ≈ 543 for outputs of 0.5), above 0.
        XCTAssertLessThan(loss, 549)
        XCTAssertGreaterThan(loss, 0)
        // eval re-computes what training recorded for the epoch: same model, same fixed noise.
        let recorded = try CheckpointReader.load(checkpoint).history[0].metrics
        for (key, value) in recorded { XCTAssertEqual(metrics[key] ?? .nan, value, accuracy: 1e-4 * abs(value) + 1e-6, key) }
        try zooFails(["eval", try sharedCheckpoint("a.h5", Self.aeArguments).url.path, "--iwae-samples", "5"], in: folder,
                     mentioning: ["--iwae-samples bounds the log-likelihood of models that have one"], usage: true)
        let text = try zooOK(["eval", checkpoint], in: folder)
        XCTAssertTrue(text.stdout.hasPrefix("vae after 1 epoch, mnist test set (10000 images): loss "), text.description)
    }

    // MARK: inspect

    func testInspectJSONListsEveryTensor() throws {
        let checkpoint = try vae().path
        let result = try zooOK(["inspect", checkpoint, "--json"], in: folder)
        let object = try XCTUnwrap(try result.json() as? [String: Any], result.description)
        XCTAssertEqual(object["model"] as? String, "vae")
        XCTAssertEqual(object["epoch"] as? Int, 1)
        XCTAssertEqual(object["global_step"] as? Int, 8)
        XCTAssertEqual(object["step_in_epoch"] as? Int, 0)
        let hyperparameters = try XCTUnwrap(object["hyperparameters"] as? [String: Any])
        XCTAssertEqual(hyperparameters["hidden"] as? [Int], [64])
        XCTAssertEqual(hyperparameters["latent"] as? Int, 20)
        XCTAssertEqual((object["training"] as? [String: Any])?["limit"] as? Int, 1000)
        XCTAssertEqual((object["history"] as? [Any])?.count, 1)
        XCTAssertEqual(object["format_version"] as? Int, 2)
        XCTAssertEqual(object["image_shape"] as? [Int], [1, 28, 28])
        XCTAssertEqual(object["classes"] as? [String], (0..<10).map(String.init))
        XCTAssertEqual(object["zoo_version"] as? String, ZooVersion.current)
        XCTAssertTrue((object["created"] as? String)?.hasSuffix("Z") ?? false, "\(object["created"] ?? "none")")
        // 784→64→40 encoder (μ and log σ² of 20 each), 20→64→784 decoder.
        XCTAssertEqual(object["parameters"] as? Int, 784 * 64 + 64 + 64 * 40 + 40 + 20 * 64 + 64 + 64 * 784 + 784)
        let tensors = try XCTUnwrap(object["tensors"] as? [[String: Any]])
        let shapes = Dictionary(tensors.compactMap { t in (t["path"] as? String).map { ($0, t["shape"] as? [Int] ?? []) } }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(shapes["/weights/encoder.0.weight"], [64, 784])
        XCTAssertEqual(shapes["/weights/encoder.2.weight"], [40, 64])
        XCTAssertEqual(shapes["/weights/decoder.0.weight"], [64, 20])
        XCTAssertEqual(shapes["/weights/decoder.2.bias"], [784])
        XCTAssertEqual(shapes["/optimizer/optimizer/encoder.0.weight/exp_avg"], [64, 784])
        XCTAssertEqual(tensors.first { $0["path"] as? String == "/weights/encoder.0.weight" }?["type"] as? String, "float32")
        let text = try zooOK(["inspect", checkpoint], in: folder)
        XCTAssertTrue(text.stdout.contains("progress          1/1 epochs (8 steps)"), text.description)
        XCTAssertTrue(text.stdout.contains("(format version 2), for 28x28 gray images"), text.description)
        XCTAssertTrue(text.stdout.contains("/weights/encoder.0.weight"), text.description)
    }

    // MARK: resume

    func testResumeContinuesToTheNewTarget() throws {
        let copy = try copyOfSharedCheckpoint("v.h5", Self.vaeArguments, to: folder, as: "r.h5")
        let before = try CheckpointReader.load(copy.path)
        let result = try zooOK(["resume", "r.h5", "--epochs", "2"], in: folder)
        XCTAssertTrue(result.stdout.contains("resuming vae from r.h5 at epoch 2, step 0 (target 2 epochs)"), result.description)
        let summaries = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
        XCTAssertEqual(summaries.count, 1, result.description)
        XCTAssertTrue(summaries.first?.hasPrefix("epoch 2/2  train loss ") == true, result.description)
        let after = try CheckpointReader.load(copy.path)
        XCTAssertEqual(after.epoch, 2)
        XCTAssertEqual(after.settings.epochs, 2)
        XCTAssertEqual(after.globalStep, 16)
        XCTAssertEqual(after.history.map(\.epoch), [1, 2])
        XCTAssertEqual(after.history[0], before.history[0], "epoch 1's record is kept as it was")
        // A second epoch on the same 1000 images lowers the training loss.
        XCTAssertLessThan(after.history[1].losses["loss"]!, after.history[0].losses["loss"]!)
    }

    // MARK: ae and gan

    func testAETrainSampleManifoldEncode() throws {
        let checkpoint = try sharedCheckpoint("a.h5", Self.aeArguments)
        XCTAssertTrue(checkpoint.training.stdout.contains("epoch 1/1  train mse "), checkpoint.training.description)
        let path = checkpoint.url.path
        try zooOK(["sample", path, "-n", "4", "--out", "s.png"], in: folder)
        let samples = try readZooPNG(folder.appendingPathComponent("s.png"))
        XCTAssertEqual([samples.width, samples.height], [122, 32], "4 images in one row of a grid 8 wide")
        XCTAssertGreaterThan(grayDeviation(Array(samples.cells(4).joined())), 10, "blank samples")

        // The AE's latent space is 2-D: a 5x5 sweep, 5 per row.
        let result = try zooOK(["decode", path, "--manifold", "5", "--out", "m.png"], in: folder)
        XCTAssertTrue(result.stdout.contains("(25 images, 152x152 pixels)"), result.description)
        let manifold = try readZooPNG(folder.appendingPathComponent("m.png"))
        XCTAssertEqual([manifold.width, manifold.height], [152, 152])
        let cells = manifold.cells(25, nrow: 5)
        XCTAssertGreaterThan(Set(cells).count, 12, "the sweep should show different images across the grid")
        // Corners of the sweep decode (-3,3) and (3,-3): the same as --z at those points.
        try zooOK(["decode", path, "--z=-3,3", "--out", "corner.png"], in: folder)
        assertSamePicture(try readZooPNG(folder.appendingPathComponent("corner.png")).pixels, cells[0], "top-left of the manifold")

        let encoded = try zooOK(["encode", path, "-n", "2", "--json"], in: folder)
        let images = try XCTUnwrap((try encoded.json() as? [String: Any])?["images"] as? [[String: Any]])
        XCTAssertEqual(images.map { ($0["z"] as? [Double])?.count }, [2, 2])
        let metrics = try XCTUnwrap((try zooOK(["eval", path, "--json"], in: folder).json() as? [String: Any])?["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["mse"])
        // (With -n not a multiple of 8 the rows no longer alternate; see the report.)
        try zooOK(["reconstruct", path, "-n", "8", "--out", "r.png"], in: folder)
        let reconstruction = try readZooPNG(folder.appendingPathComponent("r.png"))
        XCTAssertEqual([reconstruction.width, reconstruction.height], [242, 62], "8 originals over 8 reconstructions")
    }

    func testGANTrainSampleEncode() throws {
        let checkpoint = try sharedCheckpoint("g.h5", Self.ganArguments)
        let summary = checkpoint.training.stdout.split(separator: "\n").first { $0.hasPrefix("epoch 1/1") }
        XCTAssertNotNil(summary, checkpoint.training.description)
        for part in ["train d_loss ", "g_loss ", "d_fake ", "d_real ", "|  test d_loss "] {
            XCTAssertTrue(summary?.contains(part) == true, "'\(part)' missing: \(checkpoint.training)")
        }
        let path = checkpoint.url.path
        try zooOK(["sample", path, "-n", "8", "--out", "s.png"], in: folder)
        let samples = try readZooPNG(folder.appendingPathComponent("s.png"))
        XCTAssertEqual([samples.width, samples.height], [242, 32])
        XCTAssertGreaterThan(grayDeviation(Array(samples.cells(8).joined())), 10, "blank samples")

        // Encoding a GAN inverts G by gradient descent; its quality is reported per image.
        let encoded = try zooOK(["encode", path, "-n", "2", "--json", "--threads", "1"], in: folder)
        let object = try XCTUnwrap(try encoded.json() as? [String: Any], encoded.description)
        XCTAssertTrue((object["meaning"] as? String ?? "").contains("approximation"), encoded.description)
        let images = try XCTUnwrap(object["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 2)
        for image in images {
            XCTAssertEqual((image["z"] as? [Double])?.count, 16)
            // One number per image. Pixels are in [-1, 1], so a squared error per pixel lies in [0, 4].
            let error = try XCTUnwrap(image["reconstruction_mse"] as? Double, "\(image)")
            XCTAssertTrue((0...4).contains(error), "\(error)")
        }
        let metrics = try XCTUnwrap((try zooOK(["eval", path, "--json", "--threads", "1"], in: folder).json() as? [String: Any])?["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["d_loss", "g_loss", "d_real", "d_fake"])
        for (key, value) in metrics { XCTAssertTrue(value.isFinite, key) }
    }

    // MARK: list, data, version, help

    func testListJSONShowsTheModelsWithTheirDefaultsAndVerbs() throws {
        let result = try zooOK(["list", "--json"], in: folder)
        let models = try XCTUnwrap(try result.json() as? [[String: Any]], result.description)
        XCTAssertEqual(models.map { $0["name"] as? String }, ["ae", "cgan", "classifier", "convvae", "cvae", "dcgan", "gan", "vae"])
        let byName = Dictionary(uniqueKeysWithValues: models.map { ($0["name"] as! String, $0) })
        func hyper(_ name: String) -> [String: Any] { byName[name]?["hyperparameters"] as? [String: Any] ?? [:] }
        func training(_ name: String) -> [String: Any] { byName[name]?["training"] as? [String: Any] ?? [:] }
        XCTAssertEqual(hyper("ae")["latent"] as? Int, 2)
        XCTAssertEqual(hyper("ae")["hidden"] as? [Int], [256, 128])
        XCTAssertEqual(hyper("vae")["latent"] as? Int, 20)
        XCTAssertEqual(hyper("vae")["hidden"] as? [Int], [400])
        XCTAssertEqual(hyper("gan")["latent"] as? Int, 100)
        XCTAssertEqual(hyper("gan")["hidden"] as? [Int], [256, 512, 1024])
        XCTAssertEqual(hyper("gan")["inversionSteps"] as? Int, 300)
        XCTAssertEqual(hyper("gan")["leakySlope"] as? Double ?? 0, 0.2, accuracy: 1e-6)
        XCTAssertEqual(training("ae")["learningRate"] as? Double ?? 0, 1e-3, accuracy: 1e-9)
        XCTAssertEqual(training("vae")["learningRate"] as? Double ?? 0, 1e-3, accuracy: 1e-9)
        XCTAssertEqual(training("gan")["learningRate"] as? Double ?? 0, 2e-4, accuracy: 1e-9)
        XCTAssertEqual(training("gan")["beta1"] as? Double ?? 0, 0.5, accuracy: 1e-9)
        for name in ["ae", "gan", "vae"] {
            XCTAssertEqual(training(name)["epochs"] as? Int, 20, name)
            XCTAssertEqual(training(name)["batchSize"] as? Int, 128, name)
            XCTAssertEqual(byName[name]?["verbs"] as? [String],
                           ["train", "resume", "sample", "decode", "encode", "reconstruct", "eval", "inspect"], name)
            XCTAssertFalse((byName[name]?["summary"] as? String ?? "").isEmpty, name)
        }
        XCTAssertEqual(byName["classifier"]?["verbs"] as? [String], ["train", "resume", "eval", "inspect"])
        XCTAssertNotNil(byName["classifier"]?["features"] as? String)
        XCTAssertNil(byName["classifier"]?["encode"])
        XCTAssertEqual(byName["gan"]?["pixel_range"] as? String, "symmetric")
        XCTAssertEqual(byName["vae"]?["pixel_range"] as? String, "unit")
        let text = try zooOK(["list"], in: folder)
        for name in ["ae ", "classifier ", "gan ", "vae "] { XCTAssertTrue(text.stdout.contains("\n\(name)") || text.stdout.hasPrefix(name), text.description) }
    }

    func testDataFindsTheEmbeddedMNIST() throws {
        let text = try zooOK(["data"], in: folder)
        XCTAssertTrue(text.stdout.hasPrefix("mnist: "), text.description)
        XCTAssertTrue(text.stdout.contains("train 60000 images, test 10000, 28x28 pixels"), text.description)
        let json = try XCTUnwrap(try zooOK(["data", "--json"], in: folder).json() as? [[String: Any]])
        let mnist = try XCTUnwrap(json.first { $0["name"] as? String == "mnist" })
        XCTAssertEqual(mnist["available"] as? Bool, true)
        XCTAssertEqual(mnist["train"] as? Int, 60000)
        XCTAssertEqual(mnist["test"] as? Int, 10000)
        XCTAssertEqual(mnist["image_size"] as? [Int], [28, 28])
        XCTAssertEqual((mnist["files"] as? [[String: Any]])?.count, 4)
        XCTAssertEqual((mnist["files"] as? [[String: Any]])?.allSatisfy { $0["md5_matches_known"] as? Bool == true }, true)
    }

    func testVersionAndHelp() throws {
        let version = try zooOK(["--version"], in: folder)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "zoo \(ZooVersion.current)")
        let help = try zooOK(["--help"], in: folder)
        for verb in ["list", "train", "resume", "sample", "decode", "encode", "reconstruct", "eval", "inspect", "data"] {
            XCTAssertTrue(help.stdout.contains("  \(verb) "), "\(verb) missing from --help: \(help)")
        }
        let trainHelp = try zooOK(["train", "--help"], in: folder)
        for flag in ["--epochs", "--set <key=value>", "--force", "--threads", "--limit", "--seed"] {
            XCTAssertTrue(trainHelp.stdout.contains(flag), "\(flag) missing from train --help: \(trainHelp)")
        }
        let encodeHelp = try zooOK(["help", "encode"], in: folder)
        XCTAssertTrue(encodeHelp.stdout.contains("--details"), encodeHelp.description)
    }

    /// The same picture up to one gray level per pixel: a matrix product over a batch of one and
    /// over a larger batch may round differently in the last bit.
    func assertSamePicture(_ a: [UInt8], _ b: [UInt8], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let worst = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1, message, file: file, line: line)
    }
}
