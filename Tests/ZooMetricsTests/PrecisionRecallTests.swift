import XCTest
@testable import ZooMetrics

final class PrecisionRecallTests: XCTestCase {
    let real = Fixtures.gaussian(rows: 200, means: [0, 0, 0, 0, 0], stds: [1, 1, 1, 1, 1], seed: 30)
    let generated = Fixtures.gaussian(rows: 150, means: [1.2, 0, -0.5, 0, 0], stds: [0.6, 2.2, 1, 0.5, 1.6], seed: 31)

    /// Against the float64 definition, on sets where neither answer is 0 or 1: the same
    /// fractions exactly (each is a count over 150 or 200, so any disagreement is a whole point).
    func testMatchesTheFloat64Reference() throws {
        let realRows = Fixtures.rows(real), generatedRows = Fixtures.rows(generated)
        for k in [1, 3, 5] {
            let precision = Naive.coverage(of: generatedRows, by: realRows, k: k)
            let recall = Naive.coverage(of: realRows, by: generatedRows, k: k)
            let result = try PrecisionRecall.compute(real: real, generated: generated, k: k)
            XCTAssertEqual(result.precision, precision, "k = \(k)")
            XCTAssertEqual(result.recall, recall, "k = \(k)")
            XCTAssert(precision > 0.2 && precision < 0.95 && recall > 0.2 && recall < 0.95, "k = \(k): \(precision), \(recall)")
        }
    }

    /// Blocks of 1, 7 and 64 rows (and the default, one block here) give the same bits: each
    /// distance comes from its own dot product whatever the block.
    func testBlockingChangesNothing() throws {
        let whole = try PrecisionRecall.compute(real: real, generated: generated, k: 3)
        for rows in [1, 7, 64] {
            let blocked = try PrecisionRecall.compute(real: real, generated: generated, k: 3, blockRows: rows)
            XCTAssertEqual(blocked.precision, whole.precision, "\(rows) rows")
            XCTAssertEqual(blocked.recall, whole.recall, "\(rows) rows")
        }
    }

    /// The real set's radii computed once and handed in give the same answer as computing
    /// them inside; radii for another set size are an error.
    func testGivenRealRadiiChangeNothing() throws {
        let radii = try PrecisionRecall.realRadii(real, k: 3)
        XCTAssertEqual(radii.count, real.rows)
        let inside = try PrecisionRecall.compute(real: real, generated: generated, k: 3)
        let given = try PrecisionRecall.compute(real: real, generated: generated, k: 3, realRadii: radii)
        XCTAssertEqual(given.precision, inside.precision)
        XCTAssertEqual(given.recall, inside.recall)
        XCTAssertThrowsError(try PrecisionRecall.compute(real: real, generated: generated, k: 3, realRadii: Array(radii.dropLast())))
        // Radii that say something else do change the answer: they are used, not ignored.
        let shrunk = try PrecisionRecall.compute(real: real, generated: generated, k: 3, realRadii: radii.map { $0 / 4 })
        XCTAssertLessThan(shrunk.precision, inside.precision)
    }

    /// The radii themselves, blocked, against the float64 reference: to 1e-5 of their size.
    func testRadiiMatchTheFloat64Reference() {
        let expected = Naive.squaredRadii(Fixtures.rows(real), k: 3)
        let radii = NearestNeighbours.squaredRadii(PairwiseDistances(within: real, shift: real.columnMeans(), blockRows: 13), k: 3)
        for (radius, exact) in zip(radii, expected) { XCTAssertEqual(Double(radius), exact, accuracy: 1e-5 * exact) }
    }

    func testIdenticalSetsCoverEachOtherAndDistantSetsDoNot() throws {
        let same = try PrecisionRecall.compute(real: real, generated: real, k: 3)
        XCTAssertEqual(same.precision, 1)
        XCTAssertEqual(same.recall, 1)
        let far = Fixtures.gaussian(rows: 100, means: [50, 0, 0, 0, 0], stds: [1, 1, 1, 1, 1], seed: 32)
        let apart = try PrecisionRecall.compute(real: real, generated: far, k: 3)
        XCTAssertEqual(apart.precision, 0)
        XCTAssertEqual(apart.recall, 0)
    }

    /// Far from the origin (features offset by 1000 with unit spread), the uncentered identity
    /// ‖a‖² + ‖b‖² − 2aᵀb would lose everything to float32 rounding (norms near 5·10⁶, ulp 0.5,
    /// squared distances near 10); centering first keeps the answer.
    func testFeaturesFarFromTheOriginKeepTheirPrecision() throws {
        let offset: [Float] = [1000, -1000, 1000, 1000, -1000]
        func moved(_ set: FeatureMatrix) -> FeatureMatrix {
            Fixtures.matrix(rows: set.rows, columns: 5, set.values.enumerated().map { $0.element + offset[$0.offset % 5] })
        }
        let realFar = moved(real), generatedFar = moved(generated)
        let result = try PrecisionRecall.compute(real: realFar, generated: generatedFar, k: 3)
        let realRows = Fixtures.rows(realFar), generatedRows = Fixtures.rows(generatedFar)
        XCTAssertEqual(result.precision, Naive.coverage(of: generatedRows, by: realRows, k: 3))
        XCTAssertEqual(result.recall, Naive.coverage(of: realRows, by: generatedRows, k: 3))
    }

    func testBadArgumentsAreErrors() {
        XCTAssertThrowsError(try PrecisionRecall.compute(real: real, generated: generated, k: 0)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
        let three = Fixtures.matrix(rows: 3, columns: 5, Array(repeating: 0, count: 15))
        XCTAssertThrowsError(try PrecisionRecall.compute(real: real, generated: three, k: 3)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .tooFewRows)
        }
        let huge = Fixtures.matrix(rows: 5, columns: 5, Array(repeating: -1e20, count: 25))
        XCTAssertThrowsError(try PrecisionRecall.compute(real: huge, generated: generated)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .nonFinite)
            XCTAssert("\($0)".hasPrefix("float32 products of features as large as 1e+20 overflow: precision and recall takes values up to"), "\($0)")
        }
        let narrow = Fixtures.matrix(rows: 10, columns: 2, Array(repeating: 0, count: 20))
        XCTAssertThrowsError(try PrecisionRecall.compute(real: real, generated: narrow)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .mismatchedColumns)
        }
    }
}
