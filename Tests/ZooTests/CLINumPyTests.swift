import Foundation
import XCTest
import Zoo
import ZooModels

/// `zoo sample --out x.npy` and `zoo encode --out z.npy`: NumPy files of the documented shape
/// and range, the same bytes for the same seed, and no file of another kind replaced.
final class CLINumPyTests: CLITestCase {
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testSamplesAsImagesInTheUnitRange() throws {
        // The GAN's pixels are in [-1, 1]; the file's are in [0, 1].
        let gan = try sharedCheckpoint("g.h5", CLIVerbTests.ganArguments).url.path
        let result = try zooOK(["sample", gan, "-n", "12", "--out", "s.npy", "--seed", "4"], in: folder)
        XCTAssertEqual(result.stdout, "wrote s.npy: 12 images [12, 1, 28, 28] float32 in [0, 1]\n")
        let array = try NumPyArray.read(path: path("s.npy"))
        XCTAssertEqual(array.shape, [12, 1, 28, 28])
        XCTAssertTrue(array.values.allSatisfy { (0...1).contains($0) })
        XCTAssertGreaterThan(Set(array.values).count, 100, "images, not a constant")
        try zooOK(["sample", gan, "-n", "12", "--out", "again.npy", "--seed", "4"], in: folder)
        XCTAssertEqual(try FileIO.read(path("s.npy")), try FileIO.read(path("again.npy")))
    }

    func testCodesOfTheWholeTestSet() throws {
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        try zooOK(["encode", vae, "--out", "z.npy"], in: folder)
        let codes = try NumPyArray.read(path: path("z.npy"))
        XCTAssertEqual(codes.shape, [10_000, 20])
        try zooOK(["encode", vae, "--out", "z.npy", "-n", "7"], in: folder)
        XCTAssertEqual(try NumPyArray.read(path: path("z.npy")).shape, [7, 20])
    }

    func testOtherFilesAreNotReplaced() throws {
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        try Data("keep".utf8).write(to: folder.appendingPathComponent("notes.npy"))
        try zooFails(["sample", vae, "--out", "notes.npy"], in: folder, mentioning: ["exists and is not a NumPy file"], usage: true)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("notes.npy"), encoding: .utf8), "keep")
        try zooFails(["encode", vae, "--out", "codes.png"], in: folder, mentioning: ["--out must name a .npy file"], usage: true)
        try zooFails(["encode", vae, "--out", "z.npy", "--plot", "p.png"], in: folder, mentioning: ["give one"], usage: true)
    }

    /// Images from a file score exactly as the same images drawn by `zoo eval` itself.
    func testEvalScoresImagesFromAFileAsItsOwnSamples() throws {
        let gan = try sharedCheckpoint("g.h5", CLIVerbTests.ganArguments).url.path
        let classifier = try sharedCheckpoint("c.h5", ClassifierTests.arguments).url.path
        try zooOK(["sample", gan, "-n", "300", "--out", "s.npy"], in: folder)
        let fromFile = try XCTUnwrap(try zooOK(["eval", "--images", "s.npy", "--classifier", classifier, "--json"], in: folder).json() as? [String: Any])
        let own = try XCTUnwrap(try zooOK(["eval", gan, "--samples", "300", "--classifier", classifier, "--json"], in: folder).json() as? [String: Any])
        func samples(_ report: [String: Any]) -> [String: Double]? {
            ((report["quality"] as? [String: Any])?["samples"] as? [String: Any])?["metrics"] as? [String: Double]
        }
        let a = try XCTUnwrap(samples(fromFile)), b = try XCTUnwrap(samples(own))
        for key in ["fid", "kid", "precision", "recall", "classifier_score"] {
            XCTAssertEqual(a[key] ?? .nan, b[key] ?? .nan, accuracy: 1e-5 * abs(b[key] ?? 1), key)
        }
        // Wrong shape, wrong range, too few: one line each.
        try zooOK(["encode", gan, "--out", "z.npy", "-n", "20"], in: folder)
        try zooFails(["eval", "--images", "z.npy", "--classifier", classifier], in: folder, mentioning: ["shape [20, 16]", "[n, 1, 28, 28]"])
        try NumPyArray(shape: [12, 1, 28, 28], values: [Float](repeating: 2, count: 12 * 784)).write(to: path("bright.npy"))
        try zooFails(["eval", "--images", "bright.npy", "--classifier", classifier], in: folder, mentioning: ["images must be in [0, 1]"])
        try zooOK(["sample", gan, "-n", "5", "--out", "few.npy"], in: folder)
        try zooFails(["eval", "--images", "few.npy", "--classifier", classifier], in: folder, mentioning: ["the metrics need at least 10"])
        try zooFails(["eval", gan, "--dataset", "fashion-mnist"], in: folder, mentioning: ["--dataset goes with --images"], usage: true)
        try zooFails(["eval", "--images", "s.npy", "--dataset", "cifar"], in: folder, mentioning: ["unknown dataset 'cifar'"], usage: true)
    }
}
