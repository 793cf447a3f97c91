import XCTest
@testable import ZooMetrics

final class KernelDistanceTests: XCTestCase {
    let real = Fixtures.gaussian(rows: 200, means: [0, 0, 0, 0, 0], stds: [1, 1, 1, 1, 1], seed: 20)
    let generated = Fixtures.gaussian(rows: 200, means: [0.3, 0, -0.2, 0, 0.1], stds: [1.2, 0.8, 1, 1, 1.5], seed: 21)

    /// One subset as large as both sets is the whole sets (in another order, which the
    /// estimate ignores): the float64 reference on all 200 rows, to 1e-6 of the value.
    func testOneWholeSubsetMatchesTheFloat64Reference() throws {
        let expected = Naive.unbiasedMMD2(Fixtures.rows(real), Fixtures.rows(generated))
        let kid = try KernelDistance.compute(real: real, generated: generated, subsets: 1, subsetSize: 200, seed: 1)
        XCTAssertGreaterThan(expected, 0.05)
        XCTAssertEqual(kid.mean, expected, accuracy: 1e-6 * expected)
        XCTAssertEqual(kid.std, 0)
    }

    /// Many subsets: the same subsets through the float64 reference, mean and ddof-0 std.
    func testSubsetsMatchTheFloat64Reference() throws {
        let real = Fixtures.gaussian(rows: 300, means: [0, 0, 0], stds: [1, 1, 1], seed: 22)
        let generated = Fixtures.gaussian(rows: 250, means: [0.5, 0, 0], stds: [1, 1, 2], seed: 23)
        let (subsets, size, seed): (Int, Int, UInt64) = (20, 40, 9)
        var sampler = KernelDistance.SubsetSampler(realRows: 300, generatedRows: 250, size: size, seed: seed)
        let realRows = Fixtures.rows(real), generatedRows = Fixtures.rows(generated)
        var estimates: [Double] = []
        for _ in 0..<subsets {
            let (x, y) = sampler.next()
            XCTAssertEqual(Set(x).count, size)
            XCTAssertEqual(Set(y).count, size)
            estimates.append(Naive.unbiasedMMD2(x.map { realRows[$0] }, y.map { generatedRows[$0] }))
        }
        let mean = estimates.reduce(0, +) / Double(subsets)
        let std = (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)).squareRoot()
        let kid = try KernelDistance.compute(real: real, generated: generated, subsets: subsets, subsetSize: size, seed: seed)
        XCTAssertGreaterThan(std, 0.01)
        XCTAssertEqual(kid.mean, mean, accuracy: 1e-6 * mean)
        XCTAssertEqual(kid.std, std, accuracy: 1e-6 * std)
    }

    /// Every row is equally likely to be drawn: over 2000 subsets of 10 from 20 rows, each row
    /// is drawn 1000 times on average with a standard deviation of about 22.
    func testSubsetsAreUniform() {
        var sampler = KernelDistance.SubsetSampler(realRows: 20, generatedRows: 30, size: 10, seed: 3)
        var realCounts = [Int](repeating: 0, count: 20), generatedCounts = [Int](repeating: 0, count: 30)
        for _ in 0..<2000 {
            let (x, y) = sampler.next()
            x.forEach { realCounts[$0] += 1 }
            y.forEach { generatedCounts[$0] += 1 }
        }
        for count in realCounts { XCTAssertEqual(Double(count), 1000, accuracy: 5 * 22.4) }
        for count in generatedCounts { XCTAssertEqual(Double(count), 2000.0 / 3, accuracy: 5 * 21.1) }
    }

    func testSameSeedSameBitsOtherSeedOtherSubsets() throws {
        let first = try KernelDistance.compute(real: real, generated: generated, subsets: 10, subsetSize: 50, seed: 5)
        let second = try KernelDistance.compute(real: real, generated: generated, subsets: 10, subsetSize: 50, seed: 5)
        let other = try KernelDistance.compute(real: real, generated: generated, subsets: 10, subsetSize: 50, seed: 6)
        XCTAssertEqual(first.mean.bitPattern, second.mean.bitPattern)
        XCTAssertEqual(first.std.bitPattern, second.std.bitPattern)
        XCTAssertNotEqual(first.mean, other.mean)
    }

    /// A subset size beyond the smaller set is that set's size.
    /// The real subsets' terms computed once and handed in give the same bits; terms for
    /// another subset count are an error.
    func testGivenRealTermsChangeNothing() throws {
        let terms = try KernelDistance.realTerms(real: real, generatedRows: generated.rows, subsets: 12, subsetSize: 50, seed: 4)
        let inside = try KernelDistance.compute(real: real, generated: generated, subsets: 12, subsetSize: 50, seed: 4)
        let given = try KernelDistance.compute(real: real, generated: generated, subsets: 12, subsetSize: 50, seed: 4, realTerms: terms)
        XCTAssertEqual(given.mean.bitPattern, inside.mean.bitPattern)
        XCTAssertEqual(given.std.bitPattern, inside.std.bitPattern)
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: generated, subsets: 11, subsetSize: 50, seed: 4, realTerms: terms))
        let shifted = try KernelDistance.compute(real: real, generated: generated, subsets: 12, subsetSize: 50, seed: 4, realTerms: terms.map { $0 + 1 })
        XCTAssertEqual(shifted.mean, inside.mean + 1, accuracy: 1e-9, "the terms are used, not ignored")
    }

    func testSubsetSizeIsCappedAtTheSmallerSet() throws {
        let smaller = Fixtures.gaussian(rows: 120, means: [0, 0, 0, 0, 0], stds: [1, 1, 1, 1, 2], seed: 24)
        let capped = try KernelDistance.compute(real: real, generated: smaller, subsets: 3, subsetSize: 1000, seed: 2)
        let exact = try KernelDistance.compute(real: real, generated: smaller, subsets: 3, subsetSize: 120, seed: 2)
        XCTAssertEqual(capped.mean.bitPattern, exact.mean.bitPattern)
    }

    func testBadArgumentsAreErrors() {
        let other = Fixtures.gaussian(rows: 10, means: [0, 0], stds: [1, 1], seed: 25)
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: other)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .mismatchedColumns)
        }
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: generated, subsets: 0)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: generated, subsetSize: 1)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidArgument)
        }
        let huge = Fixtures.matrix(rows: 2, columns: 5, [1, 2, 3, 4, 5, 1, 2, 3, 4, 1e30])
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: huge)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .nonFinite)
        }
        let one = Fixtures.matrix(rows: 1, columns: 5, [1, 2, 3, 4, 5])
        XCTAssertThrowsError(try KernelDistance.compute(real: real, generated: one)) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .tooFewRows)
        }
    }
}
