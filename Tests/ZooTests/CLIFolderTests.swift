import Foundation
import XCTest
import Zoo
import ZooModels

/// `zoo train` on a folder of the user's own images, end to end through the binary: PNG and
/// JPEG files made here from MNIST digits (gray PNGs of zeros, colour JPEGs of ones), with a
/// corrupt, an empty, a truncated and a non-image file among them.
final class CLIFolderTests: CLITestCase {
    var images: URL { folder.appendingPathComponent("digits") }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let mnist = try ZooTestSupport.mnist()
        let zeros = images.appendingPathComponent("zero"), ones = images.appendingPathComponent("one")
        for class_ in [zeros, ones] { try FileManager.default.createDirectory(at: class_, withIntermediateDirectories: true) }
        var written = [0: 0, 1: 0]
        for i in 0..<mnist.trainCount where (mnist.trainLabels[i] == 0 || mnist.trainLabels[i] == 1) {
            let label = Int(mnist.trainLabels[i])
            guard written[label]! < 60 else { if written.values.allSatisfy({ $0 == 60 }) { break } else { continue } }
            let digit = Array(mnist.image(i))
            if label == 0 {
                try PNG.write(to: zeros.appendingPathComponent(String(format: "%03d.png", written[0]!)).path,
                              width: 28, height: 28, channels: 1, pixels: digit)
            } else {
                let rgb = digit.flatMap { [$0, UInt8(Int($0) / 2), 255 - $0] }
                let jpeg = JPEG.encode(PixelImage(width: 28, height: 28, channels: 3, pixels: rgb))
                try Data(jpeg).write(to: ones.appendingPathComponent(String(format: "%03d.jpg", written[1]!)))
            }
            written[label]! += 1
        }
        let good = try Data(contentsOf: ones.appendingPathComponent("000.jpg"))
        try Data(good.prefix(good.count / 2)).write(to: ones.appendingPathComponent("truncated.jpg"))
        try Data("\u{89}PNG\r\n\u{1A}\nnot really".utf8).write(to: zeros.appendingPathComponent("corrupt.png"))
        try Data().write(to: zeros.appendingPathComponent("empty.png"))
        try Data("a note".utf8).write(to: zeros.appendingPathComponent("readme.txt"))
    }

    func testDataListsTheFoldersClassesAndUnusableFiles() throws {
        let result = try zooOK(["data", "--data", images.path], in: folder)
        XCTAssertTrue(result.stdout.contains("120 images in 2 classes"), result.description)
        XCTAssertTrue(result.stdout.contains("one              60"), result.description)
        XCTAssertTrue(result.stdout.contains("zero             60"), result.description)
        XCTAssertTrue(result.stdout.contains("sizes 28x28 to 28x28 pixels, 60 in colour, the rest gray"), result.description)
        XCTAssertTrue(result.stdout.contains("4 files skipped"), result.description)
        let json = try XCTUnwrap(try zooOK(["data", "--data", images.path, "--json"], in: folder).json() as? [String: Any])
        XCTAssertEqual(json["images"] as? Int, 120)
        XCTAssertEqual((json["skipped"] as? [Any])?.count, 4)
    }

    func testTrainResumeAndServeAModelOfTheFolder() throws {
        // Named relative to the working folder; resume and eval find it by its absolute path, and
        // both read the same cache.
        let train = ["train", "vae", "--data", "digits", "--image-size", "16", "--epochs", "1", "--batch-size", "32",
                     "--latent", "4", "--hidden", "32", "--out", "v.h5"]
        let first = try zooOK(train, in: folder)
        // Colour where any image has it; 10% held out for testing: 108 of 120 train.
        XCTAssertTrue(first.stdout.contains("training vae on digits (108 images of 16x16 RGB, 1 epoch"), first.description)
        for bad in ["corrupt.png", "empty.png", "truncated.jpg", "readme.txt"] {
            XCTAssertTrue(first.stderr.contains("warning: skipped digits/") && first.stderr.contains(bad), "\(bad): \(first)")
        }
        XCTAssertTrue(first.stderr.contains("decoded 120 images, 2 classes, 4 skipped, fitted to 16x16"), first.description)

        // The decoded folder is cached: the next run reads it back; resuming finds the folder.
        let again = try zooOK(train + ["--force"], in: folder)
        XCTAssertTrue(again.stderr.contains("120 images, 2 classes, 4 skipped, 16x16 (cached in "), again.description)
        let resumed = try zooOK(["resume", "v.h5", "--epochs", "2"], in: folder)
        XCTAssertTrue(resumed.stderr.contains("(cached in "), resumed.description)
        let run = try CheckpointReader.load(folder.appendingPathComponent("v.h5").path)
        XCTAssertEqual(run.epoch, 2)
        XCTAssertEqual(run.imageShape, ImageShape(channels: 3, height: 16, width: 16))
        XCTAssertEqual(run.classNames, ["one", "zero"])
        XCTAssertEqual(run.settings.testFraction, 0.1)

        try zooOK(["sample", "v.h5", "-n", "4", "--out", "s.png"], in: folder)
        let grid = try PNG.read(path: folder.appendingPathComponent("s.png").path)
        XCTAssertEqual([grid.width, grid.channels], [16 * 4 + 10, 3])
        let unchanged = try zooOK(["eval", "v.h5", "--json"], in: folder)
        let metrics = try XCTUnwrap(try unchanged.json() as? [String: Any])
        XCTAssertNotNil(metrics["metrics"], "\(metrics)")
        XCTAssertFalse(unchanged.stderr.contains("has changed since training began"), unchanged.description)
        // No classifier was trained on this folder: the model's own metrics, and a note.
        XCTAssertNil(metrics["quality"])
        XCTAssertTrue(unchanged.stderr.contains("note: no quality metrics: no classifier for digits"), unchanged.description)

        // A changed folder is decoded again, with a warning that its test split is new.
        try FileManager.default.removeItem(at: images.appendingPathComponent("zero/000.png"))
        let changed = try zooOK(["eval", "v.h5"], in: folder)
        XCTAssertTrue(changed.stderr.contains("the folder changed since it was cached"), changed.description)
        XCTAssertTrue(changed.stderr.contains("/digits has changed since training began"), changed.description)
    }

    func testGrayOnRequestAndBadFolderFlags() throws {
        let result = try zooOK(["train", "ae", "--data", images.path, "--channels", "1", "--test-fraction", "0.25", "--epochs", "1",
                                "--hidden", "16", "--out", "a.h5"], in: folder)
        XCTAssertTrue(result.stdout.contains("(90 images of 28x28 gray, 1 epoch"), result.description)

        try zooFails(["train", "ae", "--data", images.path, "--image-size", "0"], in: folder, mentioning: ["--image-size must be between 1 and"], usage: true)
        try zooFails(["train", "ae", "--data", images.path, "--channels", "2"], in: folder, mentioning: ["--channels must be 1 or 3, got 2"], usage: true)
        try zooFails(["train", "ae", "--data", images.path, "--test-fraction", "0.95"], in: folder,
                     mentioning: ["--test-fraction must be between 0 and 0.9"], usage: true)
        // A size the model cannot take is refused before the folder is decoded.
        let huge = try zooFails(["train", "vae", "--data", images.path, "--image-size", "4096", "--out", "h.h5"], in: folder,
                                mentioning: ["layer widths"], mustNotExist: ["h.h5"], usage: true)
        XCTAssertFalse(huge.stderr.contains("decoded"), huge.description)
        try zooFails(["train", "ae", "--image-size", "32"], in: folder, mentioning: ["--image-size shapes a folder of images given with --data"], usage: true)
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("no".utf8).write(to: empty.appendingPathComponent("x.txt"))
        try zooFails(["train", "ae", "--data", empty.path, "--out", "e.h5"], in: folder, mentioning: ["no usable PNG or JPEG images"],
                     mustNotExist: ["e.h5"])
    }
}
