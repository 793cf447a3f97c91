import XCTest
import Foundation
@testable import ZooTensor

final class NormalizationTests: XCTestCase {
    func testBatchNormMatchesNaiveReference() {
        for shape in [[5, 3], [4, 3, 5, 7], [2, 6, 1, 1]] {
            let c = shape[1]
            let x = uniformTensor(shape, -2, 3, seed: 1), gamma = uniformTensor([c], 0.5, 2, seed: 2), beta = uniformTensor([c], -1, 1, seed: 3)
            let (y, mean, variance) = batchNorm(Variable(x), weight: Variable(gamma), bias: Variable(beta))
            let expected = Naive.batchNorm(x, gamma: gamma, beta: beta, epsilon: 1e-5, statistics: nil)
            XCTAssertLessThan(maxDifference(y.value, expected.y), 1e-4, "\(shape)")
            XCTAssertLessThan(maxDifference(mean, Tensor(shape: [c], expected.mean.map(Float.init))), 1e-5)
            XCTAssertLessThan(maxDifference(variance, Tensor(shape: [c], expected.variance.map(Float.init))), 1e-5)

            // Evaluation with given statistics.
            let m = uniformTensor([c], -1, 1, seed: 4), v = uniformTensor([c], 0.5, 2, seed: 5)
            let fixed = batchNorm(Variable(x), weight: Variable(gamma), bias: Variable(beta), statistics: (m, v)).output.value
            let naive = Naive.batchNorm(x, gamma: gamma, beta: beta, epsilon: 1e-5,
                                        statistics: (m.scalars.map(Double.init), v.scalars.map(Double.init))).y
            XCTAssertLessThan(maxDifference(fixed, naive), 1e-4)
        }
    }

    func testBatchNormGradients() {
        let x = awayFromZero([4, 3, 2, 3], seed: 6), gamma = awayFromZero([3], seed: 7), beta = awayFromZero([3], seed: 8)
        // Training: the batch statistics depend on x, and the gradient must include that.
        checkGradients([x, gamma, beta], step: 1e-2, tolerance: 5e-3) { batchNorm($0[0], weight: $0[1], bias: $0[2]).output }
        checkGradients([awayFromZero([6, 4], seed: 9), awayFromZero([4], seed: 10), awayFromZero([4], seed: 11)], tolerance: 5e-3) {
            batchNorm($0[0], weight: $0[1], bias: $0[2]).output
        }
        // Evaluation: fixed statistics, an affine map of x.
        let stats = (uniformTensor([3], -1, 1, seed: 12), uniformTensor([3], 0.5, 2, seed: 13))
        checkGradients([x, gamma, beta]) { batchNorm($0[0], weight: $0[1], bias: $0[2], statistics: stats).output }
    }

    /// PyTorch: running = (1 − momentum)·running + momentum·batch, the variance unbiased.
    func testRunningStatisticsFollowPyTorch() {
        let layer = BatchNorm2d(3, momentum: 0.1)
        var expectedMean = [Double](repeating: 0, count: 3), expectedVar = [Double](repeating: 1, count: 3)
        let batches = [uniformTensor([4, 3, 2, 5], -1, 2, seed: 14), uniformTensor([4, 3, 2, 5], 0, 3, seed: 15)]
        for x in batches {
            _ = layer(Variable(x))
            let naive = Naive.batchNorm(x, gamma: Tensor(shape: [3], repeating: 1), beta: .zeros([3]), epsilon: 1e-5, statistics: nil)
            let m = Double(4 * 2 * 5)
            for ch in 0..<3 {
                expectedMean[ch] = 0.9 * expectedMean[ch] + 0.1 * naive.mean[ch]
                expectedVar[ch] = 0.9 * expectedVar[ch] + 0.1 * naive.variance[ch] * m / (m - 1)
            }
        }
        XCTAssertLessThan(maxDifference(layer.runningMean.value, Tensor(shape: [3], expectedMean.map(Float.init))), 1e-5)
        XCTAssertLessThan(maxDifference(layer.runningVar.value, Tensor(shape: [3], expectedVar.map(Float.init))), 1e-5)
        XCTAssertEqual(layer.batchesTracked.value.scalar, 2)
        XCTAssertEqual(layer.namedBuffers.map(\.name), ["running_mean", "running_var", "num_batches_tracked"])
        XCTAssertTrue(layer.namedBuffers[2].buffer.isCount)

        // Evaluation uses the running statistics and leaves them alone.
        layer.setTraining(false)
        let x = uniformTensor([2, 3, 2, 2], -1, 1, seed: 16)
        let y = layer(Variable(x)).value
        let naive = Naive.batchNorm(x, gamma: Tensor(shape: [3], repeating: 1), beta: .zeros([3]), epsilon: 1e-5,
                                    statistics: (expectedMean, expectedVar)).y
        XCTAssertLessThan(maxDifference(y, naive), 1e-4)
        XCTAssertEqual(layer.batchesTracked.value.scalar, 2)
    }

    func testDropout() {
        let x = Tensor(shape: [100, 100], repeating: 2)
        var generator = RandomGenerator(seed: 1)
        let y = dropout(Variable(x), probability: 0.3, generator: &generator).value.scalars
        let zeroed = y.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeroed) / 10_000, 0.3, accuracy: 0.02)
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 2 / 0.7) < 1e-5 })

        // The run's generator decides the mask: the same seed, the same mask.
        var again = RandomGenerator(seed: 1)
        XCTAssertEqual(dropout(Variable(x), probability: 0.3, generator: &again).value.scalars, y)
        XCTAssertEqual(again, generator)

        // The gradient is the mask.
        var g1 = RandomGenerator(seed: 2), g2 = RandomGenerator(seed: 2)
        let input = Variable(parameter: awayFromZero([3, 4], seed: 3))
        let grad = gradients(of: sum(dropout(input, probability: 0.5, generator: &g1)), withRespectTo: [input])[0]
        let mask = dropout(Variable(Tensor(shape: [3, 4], repeating: 1)), probability: 0.5, generator: &g2).value
        XCTAssertTrue(grad.isIdentical(to: mask))

        // The layer: drops in training (through the generator), the identity in evaluation.
        let layer = Sequential(Dropout(0.5))
        var g3 = RandomGenerator(seed: 4)
        XCTAssertTrue(layer(Variable(x), generator: &g3).value.scalars.contains(0))
        layer.setTraining(false)
        XCTAssertTrue(layer(Variable(x)).value.isIdentical(to: x))
    }

    func testCrossEntropy() {
        let logits = awayFromZero([4, 5], seed: 17)
        let labels = [0, 3, 4, 1]
        let rows = logits.scalars
        var expected = 0.0
        for (row, label) in labels.enumerated() {
            let values = rows[(row * 5)..<(row * 5 + 5)].map(Double.init)
            expected += Foundation.log(values.map { Foundation.exp($0) }.reduce(0, +)) - values[label]
        }
        XCTAssertEqual(Double(crossEntropy(logits: Variable(logits), labels: labels, reduction: .sum).value.scalar), expected, accuracy: 1e-5)
        XCTAssertEqual(Double(crossEntropy(logits: Variable(logits), labels: labels).value.scalar), expected / 4, accuracy: 1e-6)
        checkGradients([logits]) { crossEntropy(logits: $0[0], labels: labels) }
        // Large logits do not overflow.
        XCTAssertTrue(crossEntropy(logits: Variable(logits * 1000), labels: labels).value.isFinite)
    }
}
