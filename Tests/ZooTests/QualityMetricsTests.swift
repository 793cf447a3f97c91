import Foundation
import XCTest
import Zoo
import ZooModels

/// `zoo eval` of a generative model scores its samples in a classifier's features: the scores
/// name the classifier's checksum, repeat with the seed, sit above the floor of real images,
/// and fall as the model trains.
final class QualityMetricsTests: CLITestCase {
    func classifier() throws -> String { try sharedCheckpoint("c.h5", ClassifierTests.arguments).url.path }

    func quality(_ checkpoint: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try zooOK(["eval", checkpoint, "--json", "--classifier", try classifier(), "--samples", "1000", "--iwae-samples", "0"] + extra, in: folder)
        let report = try XCTUnwrap(try result.json() as? [String: Any], result.description)
        return try XCTUnwrap(report["quality"] as? [String: Any], result.description)
    }

    func scores(_ quality: [String: Any], _ part: String) throws -> [String: Double] {
        try XCTUnwrap((quality[part] as? [String: Any])?["metrics"] as? [String: Double])
    }

    func testScoresNameTheClassifierAndRepeatWithTheSeed() throws {
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        let first = try quality(vae)
        let classifierInfo = try XCTUnwrap(first["classifier"] as? [String: String])
        XCTAssertEqual(classifierInfo["md5"], MD5.hex(try FileIO.read(try classifier())))
        let samples = try scores(first, "samples"), floor = try scores(first, "floor")
        XCTAssertEqual(Set(samples.keys), ["fid", "kid", "kid_std", "precision", "recall", "classifier_score", "classifier_score_std"])
        for (key, value) in samples { XCTAssertTrue(value.isFinite, key) }
        // Real training images are closer to the test set than a one-epoch VAE's samples.
        XCTAssertLessThan(try XCTUnwrap(floor["fid"]), try XCTUnwrap(samples["fid"]))
        XCTAssertGreaterThan(try XCTUnwrap(floor["recall"]), try XCTUnwrap(samples["recall"]))
        XCTAssertEqual(try scores(try quality(vae), "samples"), samples, "the same seed gives the same scores")
        XCTAssertNotEqual(try scores(try quality(vae, ["--seed", "1"]), "samples")["fid"], samples["fid"])
    }

    /// The check that the metric measures learning: FID after 5 epochs is below FID
    /// after 1, for a VAE on 10,000 images at batch 64 (156 and 780 steps). Measured with the
    /// classifier in training for Checkpoints/: 2355 → 1816, precision 0.03 → 0.73 (on 2,000
    /// images at batch 128, 16 and 80 steps, neither has learned digits and FID does not move).
    func testFIDFallsAsTheModelTrains() throws {
        let arguments = ["train", "vae", "--limit", "10000", "--batch-size", "64", "--set", "hidden=[128]", "--out", "t.h5"]
        try zooOK(arguments + ["--epochs", "1"], in: folder)
        let early = try XCTUnwrap(try scores(try quality(folder.appendingPathComponent("t.h5").path), "samples")["fid"])
        try zooOK(["resume", "t.h5", "--epochs", "5"], in: folder)
        let later = try XCTUnwrap(try scores(try quality(folder.appendingPathComponent("t.h5").path), "samples")["fid"])
        XCTAssertLessThan(later, early, "FID after 5 epochs \(later), after 1 \(early)")
    }

    func testBadClassifiersAreOneLineErrors() throws {
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        try zooFails(["eval", vae, "--classifier", vae], in: folder, mentioning: ["holds a vae model, not a classifier"])
        try zooFails(["eval", vae, "--classifier", "missing.h5"], in: folder, mentioning: ["missing.h5"])
        try zooFails(["eval", try classifier(), "--classifier", try classifier()], in: folder,
                     mentioning: ["--classifier scores a generative model's samples"], usage: true)
        try zooFails(["eval", vae, "--samples", "5"], in: folder, mentioning: ["--samples must be 0 or at least 10"], usage: true)
    }
}

/// `zoo leaderboard`: a Markdown row per checkpoint and the floor of each dataset.
final class LeaderboardTests: XCTestCase {
    func testOneRowPerCheckpointAndTheFloor() throws {
        ZooTestSupport.registerBuiltins()
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-leaderboard")
        let vae = try sharedCheckpoint("v.h5", CLIVerbTests.vaeArguments).url.path
        let classifier = try sharedCheckpoint("c.h5", ClassifierTests.arguments).url.path
        let result = try zooOK(["leaderboard", vae, classifier, "--classifier", classifier, "--samples", "200"], in: folder)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("| checkpoint | model | dataset | parameters | epochs | training time | test metrics | FID |") ?? false, result.description)
        let rows = lines.filter { $0.hasPrefix("| ") && !$0.hasPrefix("| checkpoint") }
        XCTAssertEqual(rows.count, 3, result.description)
        XCTAssertTrue(rows[0].hasPrefix("| v.h5 | vae | mnist |"), rows[0])
        XCTAssertTrue(rows[1].hasPrefix("| c.h5 | classifier | mnist |") && rows[1].contains("accuracy"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix("| (training images) | floor | mnist |"), rows[2])
        XCTAssertEqual(rows.map { $0.filter { $0 == "|" }.count }, [13, 13, 13], "every row has the header's 12 columns")
        XCTAssertTrue(result.stdout.contains("200 images (seed 0) against the test set, in the features of c.h5 (md5 "), result.description)
    }
}
