import Foundation
import XCTest
import Zoo
import ZooModels

/// `zoo sample --out x.npy` and `zoo encode --out z.npy`: NumPy files of the documented shape
/// and range, the same bytes for the same seed, and no file of another kind replaced.
final class CLINumPyTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        ZooTestSupport.registerBuiltins()
        _ = try ZooBinary.url()
        folder = try ZooTestSupport.temporaryDirectory(self, "zoo-npy")
    }

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
}
