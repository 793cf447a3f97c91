import Foundation
import XCTest
@testable import ZooMetrics

/// zoo's metrics against NumPy and SciPy (Tests/python/check_metrics.py): FID as pytorch-fid
/// computes it (scipy.linalg.sqrtm), KID on the same subsets with the reference estimator,
/// precision and recall from float64 distances, the classifier score with
/// scipy.stats.entropy; all within 1e-4 relative. Runs with /usr/bin/python3 when it imports
/// numpy and scipy (Debian's python3-scipy; `scripts/setup --python` installs it), is skipped
/// otherwise, and fails instead when ZOO_INTEROP=required (as CI sets it).
final class PythonCrossCheckTests: XCTestCase {
    static let python = "/usr/bin/python3"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("python/check_metrics.py")

    struct ZooResults: Codable {
        let fid: Double
        let kidMean: Double, kidStd: Double
        let precision: Double, recall: Double, k: Int
        let classifierScoreMean: Double, classifierScoreStd: Double, splits: Int
    }

    func testMetricsAgreeWithNumPyAndSciPy() throws {
        guard Self.run(Self.python, ["-c", "import numpy, scipy.linalg, scipy.stats"]).status == 0 else {
            let why = "\(Self.python) cannot import numpy and scipy (apt-get install python3-scipy, or scripts/setup --python)"
            if ProcessInfo.processInfo.environment["ZOO_INTEROP"] == "required" {
                XCTFail("ZOO_INTEROP=required, but \(why)")
                return
            }
            throw XCTSkip(why)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // Correlated features, as a classifier's are; the generated set is shifted and has
        // fewer rows. More rows than features, so both covariances are full rank and sqrtm of
        // their product is well conditioned.
        let d = 12
        let real = Fixtures.correlated(rows: 400, columns: d, offset: 0, seed: 50)
        let generated = Fixtures.correlated(rows: 300, columns: d, offset: 0.3, seed: 51)
        let (classes, m) = (10, 300)
        let probabilities = Fixtures.probabilities(rows: m, classes: classes, temperature: 2.5, seed: 52)
        let (subsets, subsetSize, seed): (Int, Int, UInt64) = (10, 100, 53)

        let kid = try KernelDistance.compute(real: real, generated: generated, subsets: subsets, subsetSize: subsetSize, seed: seed)
        let pr = try PrecisionRecall.compute(real: real, generated: generated, k: 3)
        let score = try ClassifierScore.compute(probabilities: probabilities, classes: classes, splits: 10)
        let results = ZooResults(fid: try Frechet.distance(real, generated), kidMean: kid.mean, kidStd: kid.std,
                                 precision: pr.precision, recall: pr.recall, k: 3,
                                 classifierScoreMean: score.mean, classifierScoreStd: score.std, splits: 10)

        // The subsets KID drew, so NumPy evaluates the same ones: [subsets, 2, size].
        var sampler = KernelDistance.SubsetSampler(realRows: real.rows, generatedRows: generated.rows, size: subsetSize, seed: seed)
        var indices: [Int64] = []
        for _ in 0..<subsets {
            let (x, y) = sampler.next()
            indices += x.map(Int64.init) + y.map(Int64.init)
        }
        try NPYFile.write(real.values, shape: [real.rows, d], to: directory.appendingPathComponent("real.npy"))
        try NPYFile.write(generated.values, shape: [generated.rows, d], to: directory.appendingPathComponent("generated.npy"))
        try NPYFile.write(probabilities, shape: [m, classes], to: directory.appendingPathComponent("probabilities.npy"))
        try NPYFile.write(indices, shape: [subsets, 2, subsetSize], to: directory.appendingPathComponent("kid_subsets.npy"))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(results).write(to: directory.appendingPathComponent("zoo.json"))

        let check = Self.run(Self.python, [Self.script.path, directory.path])
        print(check.output, terminator: "")
        XCTAssertEqual(check.status, 0, "check_metrics.py disagrees or failed:\n\(check.output)")
    }

    /// Runs a program to its end, returning its exit status and its stdout and stderr together.
    static func run(_ program: String, _ arguments: [String]) -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: program) else { return (127, "\(program) not found\n") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(program): \(error)\n") }
        // Read before waiting: a child that fills the pipe would otherwise never exit.
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
