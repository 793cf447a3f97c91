import Foundation
import XCTest
import ZooTensor
@testable import ZooMetrics

final class ClassifierScoreTests: XCTestCase {
    /// Confident and balanced: one-hot rows cycling through 5 classes, so every split of 10
    /// rows holds each class twice, p(y) is uniform and every KL is log 5: the score is 5.
    func testConfidentBalancedPredictionsScoreTheClassCount() throws {
        let classes = 5
        let oneHot = (0..<100).flatMap { i in (0..<classes).map { $0 == i % classes ? Float(1) : 0 } }
        let score = try ClassifierScore.compute(probabilities: oneHot, classes: classes, splits: 10)
        XCTAssertEqual(score.mean, 5, accuracy: 1e-12)
        XCTAssertEqual(score.std, 0, accuracy: 1e-12)
    }

    /// The same distribution for every image: KL 0 everywhere, score 1.
    func testIdenticalPredictionsScoreOne() throws {
        let rows: [Float] = Array(repeating: [0.1, 0.2, 0.7], count: 30).flatMap { $0 }
        let score = try ClassifierScore.compute(probabilities: rows, classes: 3, splits: 3)
        XCTAssertEqual(score.mean, 1, accuracy: 1e-12)
        XCTAssertEqual(score.std, 0, accuracy: 1e-12)
    }

    /// Against the formula written out, with 103 rows in 10 splits (sizes 10 and 11).
    func testMatchesTheFormulaWithUnevenSplits() throws {
        let (m, classes, splits) = (103, 7, 10)
        let probabilities = Fixtures.probabilities(rows: m, classes: classes, temperature: 2, seed: 40)
        var scores: [Double] = []
        for s in 0..<splits {
            let part = Array((s * m / splits)..<((s + 1) * m / splits))
            let rows = part.map { i in (0..<classes).map { Double(probabilities[i * classes + $0]) } }
                .map { row in row.map { $0 / row.reduce(0, +) } }
            let marginal = (0..<classes).map { c in rows.reduce(0) { $0 + $1[c] } / Double(rows.count) }
            let kl = rows.map { row in (0..<classes).reduce(0) { $0 + (row[$1] > 0 ? row[$1] * Foundation.log(row[$1] / marginal[$1]) : 0) } }
            scores.append(Foundation.exp(kl.reduce(0, +) / Double(rows.count)))
        }
        let mean = scores.reduce(0, +) / Double(splits)
        let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)).squareRoot()
        let score = try ClassifierScore.compute(probabilities: probabilities, classes: classes, splits: splits)
        XCTAssertGreaterThan(mean, 1.5)
        XCTAssertGreaterThan(std, 0.01)
        XCTAssertEqual(score.mean, mean, accuracy: 1e-12 * mean)
        XCTAssertEqual(score.std, std, accuracy: 1e-9 * std)
        let tensor = try ClassifierScore.compute(probabilities: Tensor(shape: [m, classes], probabilities), splits: splits)
        XCTAssertEqual(tensor.mean.bitPattern, score.mean.bitPattern)
    }

    func testBadProbabilitiesAreErrors() {
        XCTAssertThrowsError(try ClassifierScore.compute(probabilities: [0.5, 0.5, 1], classes: 2)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidShape)
        }
        XCTAssertThrowsError(try ClassifierScore.compute(probabilities: [0.5, 0.5, 1.5, -0.5], classes: 2, splits: 1)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try ClassifierScore.compute(probabilities: [2.0, 3.0, 0.5, 0.5], classes: 2, splits: 1)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
            XCTAssertEqual("\($0)", "the probabilities of row 0 sum to 5.0, not 1 (softmax the classifier's outputs first)")
        }
        XCTAssertThrowsError(try ClassifierScore.compute(probabilities: [0.5, 0.5, 0.5, 0.5], classes: 2, splits: 3)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try ClassifierScore.compute(probabilities: [.nan, 1], classes: 2, splits: 1)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
    }
}
