import Foundation
import XCTest
import Zoo
import ZooModels

/// The convolutional and conditional plugins through every verb of the real executable, at
/// narrow widths on a few hundred images: train, resume, sample, decode, encode, reconstruct,
/// eval (with the quality metrics) and inspect; and the conditional ones' `--label`.
final class CLIConvModelTests: CLITestCase {
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let narrow: [String: [String]] = [
        "dcgan": ["--set", "generatorChannels=16,8,4", "--set", "discriminatorChannels=4,8", "--set", "inversionSteps=3"],
        "cgan": ["--set", "generatorChannels=16,8,4", "--set", "discriminatorChannels=4,8", "--set", "inversionSteps=3"],
        "convvae": ["--set", "channels=4,8", "--set", "beta=2"],
        "cvae": ["--set", "channels=4,8"],
    ]

    func testEveryVerbOnEveryConvolutionalModel() throws {
        for (model, settings) in Self.narrow.sorted(by: { $0.key < $1.key }) {
            let file = "\(model).h5"
            try zooOK(["train", model, "--epochs", "1", "--limit", "256", "--threads", "1", "--out", file] + settings, in: folder)
            let resumed = try zooOK(["resume", file, "--epochs", "2", "--threads", "1"], in: folder)
            XCTAssertTrue(resumed.stdout.contains("epoch 2/2"), resumed.description)
            try zooOK(["sample", file, "-n", "16", "--out", "\(model)-samples.png"], in: folder)
            try zooOK(["sample", file, "-n", "4", "--out", "\(model)-samples.npy"], in: folder)
            XCTAssertEqual(try NumPyArray.read(path: path("\(model)-samples.npy")).shape, [4, 1, 28, 28])
            let latent = model.hasSuffix("gan") ? 100 : 16
            let z = Array(repeating: "0", count: latent).joined(separator: ",")
            try zooOK(["decode", file, "--z", z, "--out", "\(model)-decoded.png"], in: folder)
            let encoded = try zooOK(["encode", file, "-n", "2"], in: folder)
            XCTAssertTrue(encoded.stdout.contains("test image 1 (label 2)"), encoded.description)
            try zooOK(["reconstruct", file, "-n", "8", "--out", "\(model)-reconstruction.png"], in: folder)
            let eval = try zooOK(["eval", file, "--samples", "300", "--json"], in: folder)
            let report = try XCTUnwrap(try eval.json() as? [String: Any], eval.description)
            let samples = try XCTUnwrap(((report["quality"] as? [String: Any])?["samples"] as? [String: Any])?["metrics"] as? [String: Double], eval.description)
            XCTAssertNotNil(samples["fid"], eval.description)
            // Conditional samples are scored for the class they were drawn for.
            XCTAssertEqual(samples["label_accuracy"] != nil, model.hasPrefix("c") && model != "convvae", "\(model): \(eval.description)")
            // Every tensor line shows its whole shape (4-D convolution weights are the longest).
            let inspected = try zooOK(["inspect", file], in: folder)
            let tensorLines = inspected.stdout.split(separator: "\n").drop { $0 != "tensors" }.dropFirst()
            XCTAssertFalse(tensorLines.isEmpty, inspected.description)
            for line in tensorLines {
                XCTAssertNotNil(line.range(of: #"\[[0-9, ]*\]\s+[0-9]+ bytes$"#, options: .regularExpression), "\(model): \(line)")
            }
        }
    }

    func testLabelsOfAConditionalModel() throws {
        try zooOK(["train", "cvae", "--epochs", "1", "--limit", "256", "--threads", "1", "--out", "c.h5"] + Self.narrow["cvae"]!, in: folder)
        // One row of --nrow draws per class, the class names in a margin on the left.
        let all = try zooOK(["sample", "c.h5", "--label", "all", "--nrow", "4", "--out", "all.png"], in: folder)
        XCTAssertTrue(all.stdout.hasPrefix("wrote all.png (40 images"), all.description)
        let grid = try PNG.decode(try FileIO.read(path("all.png")))
        XCTAssertEqual(grid.height, 10 * 30 + 2)
        XCTAssertGreaterThan(grid.width, 4 * 30 + 2, "no margin for the class names")
        // By number or by name; the same seed and label give the same images.
        try zooOK(["sample", "c.h5", "--label", "7", "-n", "6", "--out", "seven.npy"], in: folder)
        try zooOK(["sample", "c.h5", "--label", "7", "-n", "6", "--out", "again.npy"], in: folder)
        XCTAssertEqual(try FileIO.read(path("seven.npy")), try FileIO.read(path("again.npy")))
        try zooOK(["sample", "c.h5", "--label", "3", "-n", "6", "--out", "three.npy"], in: folder)
        XCTAssertNotEqual(try FileIO.read(path("seven.npy")), try FileIO.read(path("three.npy")))
        try zooOK(["decode", "c.h5", "--z", Array(repeating: "0.5", count: 16).joined(separator: ","), "--label", "all", "--out", "d.png"], in: folder)

        try zooFails(["sample", "c.h5", "--label", "12", "--out", "x.png"], in: folder,
                     mentioning: ["--label '12' is not a class of c.h5", "0 (0)", "9 (9)", "'all'"], mustNotExist: ["x.png"], usage: true)
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        try zooFails(["sample", vae, "--label", "3", "--out", "x.png"], in: folder,
                     mentioning: ["--label needs a conditional model", "vae model"], mustNotExist: ["x.png"], usage: true)
    }
}
