import Foundation
import XCTest
import Zoo
import ZooModels

/// `--precision` through the real executable: refused with one line where the CPU cannot run
/// bf16 (every machine can play that part: oneDNN's DNNL_MAX_CPU_ISA caps the ISA it uses), kept
/// in the checkpoint, changed by `zoo resume --precision`, and taken by the verbs that run a model.
final class CLIPrecisionTests: CLITestCase {
    static let small = ["--limit", "512", "--set", "hidden=[32]", "--threads", "1"]
    /// A CPU without AVX512_BF16, as oneDNN sees it.
    static let withoutBFloat16 = ["DNNL_MAX_CPU_ISA": "AVX2"]

    func testBFloat16IsRefusedWhereTheCPULacksIt() throws {
        try zooFails(["train", "ae", "--epochs", "1", "--precision", "bf16"] + Self.small, in: folder,
                     mentioning: ["--precision bf16", "AVX512_BF16"], mustNotExist: ["ae.h5"], usage: true,
                     environment: Self.withoutBFloat16)
        try zooFails(["train", "ae", "--precision", "fp16"], in: folder, mentioning: ["--precision", "fp32", "bf16"],
                     mustNotExist: ["ae.h5"], usage: true)
        let checkpoint = try zooOK(["train", "ae", "--epochs", "1"] + Self.small, in: folder)
        XCTAssertFalse(checkpoint.stdout.contains("bf16"), checkpoint.description)
        try zooFails(["sample", "ae.h5", "-n", "4", "--out", "s.png", "--precision", "bf16"], in: folder,
                     mentioning: ["AVX512_BF16"], mustNotExist: ["s.png"], usage: true, environment: Self.withoutBFloat16)
    }

    /// A checkpoint trained in bf16 (its settings say so) resumes in bf16, or in fp32 when asked;
    /// where bf16 cannot run, resuming without --precision fp32 is a one-line error that says so.
    func testResumeKeepsOrChangesThePrecision() throws {
        try zooOK(["train", "ae", "--epochs", "1"] + Self.small, in: folder)
        let path = folder.appendingPathComponent("ae.h5").path
        let run = try CheckpointReader.load(path)
        XCTAssertNil(run.settings.precision, "fp32 is the default and is not written")
        run.settings.precision = .bf16
        try CheckpointWriter.save(run, to: path)
        let inspected = try zooOK(["inspect", "ae.h5", "--json"], in: folder)
        XCTAssertTrue(inspected.stdout.contains("\"precision\" : \"bf16\""), inspected.description)

        if let reason = Precision.bf16.unavailableReason {
            try zooFails(["resume", "ae.h5", "--epochs", "2"], in: folder, mentioning: ["trains in bf16", "--precision fp32", reason])
        } else {
            try zooFails(["resume", "ae.h5", "--epochs", "2"], in: folder, mentioning: ["trains in bf16", "--precision fp32", "AVX512_BF16"],
                         environment: Self.withoutBFloat16)
        }
        let resumed = try zooOK(["resume", "ae.h5", "--epochs", "2", "--precision", "fp32"], in: folder)
        XCTAssertTrue(resumed.stdout.contains("the checkpoint was trained in bf16; continuing in fp32"), resumed.description)
        XCTAssertNil(try CheckpointReader.load(path).settings.precision)
    }

    /// Where the CPU has AVX512_BF16: a whole bf16 run through the verbs, bit-identical twice.
    func testTrainingInBFloat16() throws {
        if let reason = Precision.bf16.unavailableReason { throw XCTSkip("bf16: \(reason)") }
        let first = try zooOK(["train", "ae", "--epochs", "1", "--precision", "bf16", "--out", "a.h5"] + Self.small, in: folder)
        XCTAssertTrue(first.stdout.contains(", 1 thread, bf16)"), first.description)
        try zooOK(["train", "ae", "--epochs", "1", "--precision", "bf16", "--out", "b.h5"] + Self.small, in: folder)
        let a = try CheckpointReader.load(folder.appendingPathComponent("a.h5").path)
        let b = try CheckpointReader.load(folder.appendingPathComponent("b.h5").path)
        XCTAssertEqual(a.settings.precision, .bf16)
        for (x, y) in zip(a.model.namedParameters, b.model.namedParameters) {
            XCTAssertTrue(x.parameter.value.isIdentical(to: y.parameter.value), "\(x.name) differs between two bf16 runs")
        }
        try zooOK(["resume", "a.h5", "--epochs", "2"], in: folder)
        XCTAssertEqual(try CheckpointReader.load(folder.appendingPathComponent("a.h5").path).settings.precision, .bf16)
        try zooOK(["sample", "a.h5", "-n", "16", "--out", "s.png", "--precision", "bf16"], in: folder)
        try zooOK(["eval", "a.h5", "--precision", "bf16", "--samples", "0"], in: folder)
    }
}
