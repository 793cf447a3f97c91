import Foundation
import ZooTensor
@testable import ZooMetrics

/// Seeded random feature sets for the tests.
enum Fixtures {
    /// `rows` draws of N(means, diag(stds²)), one feature per column.
    static func gaussian(rows: Int, means: [Float], stds: [Float], seed: UInt64) -> FeatureMatrix {
        precondition(means.count == stds.count)
        let d = means.count
        var generator = RandomGenerator(seed: seed)
        let noise = generator.normal([rows, d]).scalars
        let values = (0..<(rows * d)).map { means[$0 % d] + stds[$0 % d] * noise[$0] }
        return matrix(rows: rows, columns: d, values)
    }

    /// `rows` draws of x = offset·s + A z with z ~ N(0, I), a random direction s ~ N(0, I) and
    /// a random mixing matrix A (d x d, entries N(0, 1/d)): Gaussian features whose covariance
    /// AAᵀ is full and correlated, like a classifier's, rather than diagonal.
    static func correlated(rows: Int, columns d: Int, offset: Float, seed: UInt64) -> FeatureMatrix {
        var generator = RandomGenerator(seed: seed)
        let mixing = generator.normal([d, d], std: 1 / Float(d).squareRoot()).scalars
        let shift = generator.normal([d]).scalars
        let noise = generator.normal([rows, d]).scalars
        var values = [Float](repeating: 0, count: rows * d)
        for i in 0..<rows {
            for j in 0..<d {
                var sum = offset * shift[j]
                for k in 0..<d { sum += mixing[j * d + k] * noise[i * d + k] }
                values[i * d + j] = sum
            }
        }
        return matrix(rows: rows, columns: d, values)
    }

    /// Softmax rows of random N(0, temperature²) logits: [rows, classes] class probabilities.
    static func probabilities(rows: Int, classes: Int, temperature: Float, seed: UInt64) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        let logits = generator.normal([rows, classes], std: temperature).scalars
        var result = [Float](repeating: 0, count: rows * classes)
        for i in 0..<rows {
            let row = logits[(i * classes)..<((i + 1) * classes)]
            let top = Double(row.max() ?? 0)
            let exps = row.map { exp(Double($0) - top) }
            let total = exps.reduce(0, +)
            for c in 0..<classes { result[i * classes + c] = Float(exps[c] / total) }
        }
        return result
    }

    /// A feature matrix the tests build from known-good values.
    static func matrix(rows: Int, columns: Int, _ values: [Float]) -> FeatureMatrix {
        do {
            return try FeatureMatrix(rows: rows, columns: columns, values: values)
        } catch {
            preconditionFailure("fixture features rejected: \(error)")
        }
    }

    /// The rows as float64 arrays, for the naive references.
    static func rows(_ features: FeatureMatrix) -> [[Double]] {
        (0..<features.rows).map { i in
            features.values[(i * features.columns)..<((i + 1) * features.columns)].map(Double.init)
        }
    }
}
