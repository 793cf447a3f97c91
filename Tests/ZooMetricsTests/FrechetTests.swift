import XCTest
import ZooTensor
@testable import ZooMetrics

final class FrechetTests: XCTestCase {
    /// A random orthogonal matrix (Gram–Schmidt on Gaussian columns), row-major.
    func randomRotation(_ d: Int, seed: UInt64) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        var columns: [[Double]] = []
        for _ in 0..<d {
            var v = generator.normal([d]).scalars.map(Double.init)
            for u in columns {
                let projection = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<d { v[i] -= projection * u[i] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            columns.append(v.map { $0 / norm })
        }
        return (0..<(d * d)).map { columns[$0 % d][$0 / d] }
    }

    /// Q diag(eigenvalues) Qᵀ.
    func covariance(rotation q: [Double], eigenvalues: [Double]) -> [Double] {
        let d = eigenvalues.count
        return (0..<(d * d)).map { index in
            let i = index / d, j = index % d
            return (0..<d).reduce(0) { $0 + q[i * d + $1] * eigenvalues[$1] * q[j * d + $1] }
        }
    }

    /// Covariances that share their eigenvectors commute, and then (Σ₁Σ₂)^½ has eigenvalues
    /// √(aᵢbᵢ): FID = ‖μ₁ − μ₂‖² + Σ (√aᵢ − √bᵢ)². From exact statistics only rounding separates
    /// the two, a few ulps of values of order 10.
    func testCommutingCovariancesGiveTheClosedForm() throws {
        let q = randomRotation(8, seed: 1)
        let a = [4, 1, 0.25, 9, 0.01, 2.5, 16, 0.5], b = [1, 1, 4, 0.5, 3, 2.5, 0.04, 7]
        let meanA = [0.5, -1, 2, 0, 0.25, 1, -0.5, 3], meanB = [0, 1, 2, -1, 0, 1, 0.5, 2]
        let expected = Naive.squaredDistance(meanA, meanB) + Naive.squaredDistance(a.map { $0.squareRoot() }, b.map { $0.squareRoot() })
        let statisticsA = try GaussianStatistics(mean: meanA, covariance: covariance(rotation: q, eigenvalues: a))
        let statisticsB = try GaussianStatistics(mean: meanB, covariance: covariance(rotation: q, eigenvalues: b))
        XCTAssertEqual(try Frechet.distance(statisticsA, statisticsB), expected, accuracy: 1e-9)
        XCTAssertEqual(try Frechet.distance(statisticsB, statisticsA), expected, accuracy: 1e-9)
    }

    /// A singular covariance (an eigenvalue of exactly 0, as when a feature is constant or
    /// there are fewer rows than features). The square root of an eigenvalue that rounding
    /// leaves at ±1e-16·‖Σ‖ is up to 1e-8·‖Σ‖ (the square root's own conditioning at 0,
    /// whatever the method), hence the looser tolerance.
    func testSingularCovarianceGivesTheClosedForm() throws {
        let q = randomRotation(6, seed: 2)
        let a = [4, 0, 0.25, 9, 0, 2.5], b = [1, 1, 0, 0.5, 3, 2.5]
        let expected = Naive.squaredDistance(a.map { $0.squareRoot() }, b.map { $0.squareRoot() })
        let zeros = [Double](repeating: 0, count: 6)
        let fid = try Frechet.distance(
            GaussianStatistics(mean: zeros, covariance: covariance(rotation: q, eigenvalues: a)),
            GaussianStatistics(mean: zeros, covariance: covariance(rotation: q, eigenvalues: b)))
        XCTAssertEqual(fid, expected, accuracy: 1e-6)
        XCTAssertFalse(fid.isNaN)
    }

    /// A set of identical rows has covariance 0, so S = 0 and FID = ‖μ₁ − μ₂‖² + Tr(Σ₂) exactly.
    func testConstantFeaturesHaveZeroCovariance() throws {
        let constant = Fixtures.matrix(rows: 5, columns: 3, Array(repeating: [1, 2, 3], count: 5).flatMap { $0 })
        let other = Fixtures.gaussian(rows: 500, means: [0, 0, 0], stds: [1, 2, 3], seed: 3)
        let statistics = try GaussianStatistics(other)
        let trace = statistics.covariance[0] + statistics.covariance[4] + statistics.covariance[8]
        let expected = Naive.squaredDistance([1, 2, 3], statistics.mean) + trace
        XCTAssertEqual(try Frechet.distance(constant, other), expected, accuracy: 1e-12 * expected)
    }

    /// Unbiased (n − 1) covariance, worked by hand: rows (1, 2), (3, 6), (5, 7).
    func testStatisticsAreTheSampleMeanAndUnbiasedCovariance() throws {
        let statistics = try GaussianStatistics(Fixtures.matrix(rows: 3, columns: 2, [1, 2, 3, 6, 5, 7]))
        XCTAssertEqual(statistics.mean, [3, 5])
        XCTAssertEqual(statistics.covariance, [4, 5, 5, 7])
    }

    /// Samples of two Gaussians with diagonal covariances: FID near ‖μ₁ − μ₂‖² + Σ (σ₁ᵢ − σ₂ᵢ)².
    /// The tolerance is the estimate's own noise: to first order Δμ̂ᵢ has variance
    /// vᵢ = (σ₁ᵢ² + σ₂ᵢ²)/n, so (Δμ̂ᵢ)² varies by 4Δμᵢ²vᵢ, and σ̂ has variance σ²/(2n), so
    /// (σ̂₁ᵢ − σ̂₂ᵢ)² varies by 2(σ₁ᵢ − σ₂ᵢ)²·vᵢ; five standard errors of their sum, plus
    /// the bias of the squared mean difference (Σ vᵢ) and of the sampled off-diagonal
    /// covariances (of the same order, d²·max σ²/n).
    func testSampledGaussiansApproachThePopulationDistance() throws {
        let n = 40_000
        let meanA: [Float] = [0, 0, 0, 0], meanB: [Float] = [1, 0, -1, 0.5]
        let stdA: [Float] = [1, 2, 0.5, 1.5], stdB: [Float] = [1.5, 1, 0.5, 1.5]
        let a = Fixtures.gaussian(rows: n, means: meanA, stds: stdA, seed: 10)
        let b = Fixtures.gaussian(rows: n, means: meanB, stds: stdB, seed: 11)
        var population = 0.0, variance = 0.0, bias = 0.0
        for i in 0..<4 {
            let dm = Double(meanA[i] - meanB[i]), ds = Double(stdA[i] - stdB[i])
            let v = Double(stdA[i] * stdA[i] + stdB[i] * stdB[i]) / Double(n)
            population += dm * dm + ds * ds
            variance += 4 * dm * dm * v + 2 * ds * ds * v
            bias += v
        }
        bias += 16 * 4 / Double(n)
        let tolerance = 5 * variance.squareRoot() + bias
        XCTAssertEqual(population, 3.5)
        XCTAssertLessThan(tolerance, 0.2)
        XCTAssertEqual(try Frechet.distance(a, b), population, accuracy: tolerance)
    }

    /// A set against itself: both traces cancel the square root's; only rounding remains.
    func testSetAgainstItselfIsZero() throws {
        let features = Fixtures.correlated(rows: 2000, columns: 16, offset: 3, seed: 4)
        let statistics = try GaussianStatistics(features)
        let trace = (0..<16).reduce(0) { $0 + statistics.covariance[$1 * 16 + $1] }
        XCTAssertEqual(try Frechet.distance(features, features), 0, accuracy: 1e-12 * trace)
    }

    func testSymmetricAndDeterministic() throws {
        let a = Fixtures.correlated(rows: 600, columns: 24, offset: 0, seed: 5)
        let b = Fixtures.correlated(rows: 500, columns: 24, offset: 1, seed: 6)
        let ab = try Frechet.distance(a, b), ba = try Frechet.distance(b, a)
        XCTAssertGreaterThan(ab, 1)
        XCTAssertEqual(ab, ba, accuracy: 1e-10 * ab)
        XCTAssertEqual(try Frechet.distance(a, b).bitPattern, ab.bitPattern)
    }

    func testBadInputsAreOneLineErrors() throws {
        let a = Fixtures.gaussian(rows: 10, means: [0, 0], stds: [1, 1], seed: 7)
        let b = Fixtures.gaussian(rows: 10, means: [0, 0, 0], stds: [1, 1, 1], seed: 8)
        XCTAssertThrowsError(try Frechet.distance(a, b)) { XCTAssertEqual(($0 as? MetricError)?.kind, .mismatchedColumns) }
        XCTAssertThrowsError(try Frechet.distance(a, Fixtures.matrix(rows: 1, columns: 2, [1, 2]))) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .tooFewRows)
        }
        XCTAssertThrowsError(try FeatureMatrix(rows: 2, columns: 2, values: [1, 2, .nan, 4])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .nonFinite)
            XCTAssertEqual("\($0)", "feature 0 of row 1 is nan; features must be finite")
        }
        XCTAssertThrowsError(try FeatureMatrix(rows: 2, columns: 2, values: [1, 2, 3])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidShape)
        }
        XCTAssertThrowsError(try FeatureMatrix(Tensor(shape: [4], [1, 2, 3, 4]))) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidShape)
        }
        XCTAssertThrowsError(try GaussianStatistics(mean: [0, 0], covariance: [1, 0.5, 0.4, 1])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidShape)
        }
        XCTAssertThrowsError(try GaussianStatistics(mean: [0, 0], covariance: [1, 2, 2, 1])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .notPositiveSemidefinite)
        }
        XCTAssertThrowsError(try GaussianStatistics(mean: [0, 0], covariance: [1, 0, 0])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .invalidShape)
        }
        XCTAssertThrowsError(try GaussianStatistics(mean: [0, .infinity], covariance: [1, 0, 0, 1])) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .nonFinite)
        }
        XCTAssertThrowsError(try Frechet.distance(GaussianStatistics(mean: [0], covariance: [1]),
                                                  GaussianStatistics(mean: [0, 0], covariance: [1, 0, 0, 1]))) {
            XCTAssertEqual(($0 as? MetricError)?.kind, .mismatchedColumns)
        }
    }

    /// The LAPACK wrapper itself: a 2 x 2 with eigenvalues 1 and 3, eigenvectors (1, ∓1)/√2.
    func testSymmetricEigenOfAKnownMatrix() throws {
        let eigen = try SymmetricEigen([2, 1, 1, 2], order: 2)
        XCTAssertEqual(eigen.values[0], 1, accuracy: 1e-15)
        XCTAssertEqual(eigen.values[1], 3, accuracy: 1e-15)
        XCTAssertEqual(abs(eigen.vectors[0] + eigen.vectors[1]), 0, accuracy: 1e-15)
        XCTAssertEqual(abs(eigen.vectors[2] - eigen.vectors[3]), 0, accuracy: 1e-15)
        let root = eigen.reassembled { $0.squareRoot() }
        let square = SquareMatrix.multiply(root, root, order: 2)
        for (value, expected) in zip(square, [2.0, 1, 1, 2]) { XCTAssertEqual(value, expected, accuracy: 1e-14) }
    }
}
