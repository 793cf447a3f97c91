import Foundation
import XCTest
import ZooTensor
@testable import ZooMetrics

/// Opt-in (ZOO_METRICS_SPEED=1): how long each metric takes on two sets of 10,000 features of
/// 84 dimensions (ZOO_METRICS_SPEED_ROWS and _COLUMNS change that), with 100 KID subsets of
/// 1000 and classifier scores of 10 classes, on ZOO_METRICS_SPEED_THREADS threads (default:
/// all cores). Prints the median of 3 runs; the machine is shared, so no bound is asserted.
final class MetricsSpeedTests: XCTestCase {
    func testSpeedOnTenThousandFeatures() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["ZOO_METRICS_SPEED"] != nil else {
            throw XCTSkip("set ZOO_METRICS_SPEED=1 to time the metrics on 10,000 x 84 features")
        }
        let n = Int(environment["ZOO_METRICS_SPEED_ROWS"] ?? "") ?? 10_000
        let d = Int(environment["ZOO_METRICS_SPEED_COLUMNS"] ?? "") ?? 84
        let threads = ComputeThreads.count
        if let wanted = Int(environment["ZOO_METRICS_SPEED_THREADS"] ?? "") { ComputeThreads.set(wanted) }
        defer { ComputeThreads.set(threads) }
        let real = Fixtures.correlated(rows: n, columns: d, offset: 0, seed: 60)
        let generated = Fixtures.correlated(rows: n, columns: d, offset: 0.2, seed: 61)
        let probabilities = Fixtures.probabilities(rows: n, classes: 10, temperature: 3, seed: 62)

        let clock = ContinuousClock()
        func median(_ name: String, _ body: () throws -> String) rethrows -> Double {
            var times: [Double] = [], result = ""
            for _ in 0..<3 {
                let start = clock.now
                result = try body()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let middle = times.sorted()[1]
            let runs = times.map { String(format: "%.3f", $0) }.joined(separator: ", ")
            print(name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%7.3f s  (runs %@)  %@", middle, runs, result))
            return middle
        }
        print("metrics on \(n) x \(n) features of \(d), \(ComputeThreads.count) threads")
        var total = 0.0
        total += try median("Fréchet distance (both statistics)") { String(format: "FID %.4f", try Frechet.distance(real, generated)) }
        total += try median("kernel distance (100 x 1000)") {
            let kid = try KernelDistance.compute(real: real, generated: generated)
            return String(format: "KID %.6f ± %.6f", kid.mean, kid.std)
        }
        total += try median("precision and recall (k = 3)") {
            let pr = try PrecisionRecall.compute(real: real, generated: generated)
            return String(format: "precision %.4f recall %.4f", pr.precision, pr.recall)
        }
        total += try median("classifier score (10 splits)") {
            let score = try ClassifierScore.compute(probabilities: probabilities, classes: 10)
            return String(format: "score %.4f ± %.4f", score.mean, score.std)
        }
        print(String(format: "all metrics: %.3f s", total))
    }
}
