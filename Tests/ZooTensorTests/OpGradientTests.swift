import XCTest
@testable import ZooTensor

final class OpGradientTests: XCTestCase {
    let a = awayFromZero([3, 4], seed: 1)
    let b = awayFromZero([3, 4], seed: 2)

    func testArithmetic() {
        checkGradients([a, b]) { $0[0] + $0[1] }
        checkGradients([a, b]) { $0[0] - $0[1] }
        checkGradients([a, b]) { $0[0] * $0[1] }
        checkGradients([a, b]) { $0[0] / $0[1] }
        checkGradients([a]) { -$0[0] }
    }

    func testScalarOps() {
        checkGradients([a]) { $0[0] * 3 + 1 }
        checkGradients([a]) { 2 - $0[0] / 4 }
        checkGradients([a]) { affine($0[0], scale: -0.5, offset: 2) }
    }

    func testBroadcasting() {
        let row = awayFromZero([4], seed: 3)
        let column = awayFromZero([3, 1], seed: 4)
        let scalar = awayFromZero([1], seed: 5)
        checkGradients([a, row]) { $0[0] + $0[1] }
        checkGradients([row, a]) { $0[0] - $0[1] }
        checkGradients([a, column]) { $0[0] * $0[1] }
        checkGradients([column, row]) { $0[0] / $0[1] }
        checkGradients([a, scalar]) { $0[0] * $0[1] }
        let cube = awayFromZero([2, 3, 4], seed: 6)
        checkGradients([cube, awayFromZero([3, 1], seed: 7)]) { $0[0] * $0[1] }
    }

    func testActivations() {
        checkGradients([a]) { relu($0[0]) }
        checkGradients([a]) { leakyRelu($0[0], negativeSlope: 0.2) }
        checkGradients([a]) { sigmoid($0[0]) }
        checkGradients([a]) { softplus($0[0]) }
        checkGradients([a]) { exp($0[0]) }
        checkGradients([uniformTensor([3, 4], 0.3, 3, seed: 8)]) { log($0[0]) }
        // tanh switches formula at |x| = 0.625: check both sides.
        checkGradients([uniformTensor([3, 4], -0.6, 0.6, seed: 9)]) { tanh($0[0]) }
        checkGradients([a * 2]) { tanh($0[0]) }
    }

    func testReductions() {
        let cube = awayFromZero([2, 3, 4], seed: 10)
        checkGradients([cube]) { sum($0[0]) }
        checkGradients([cube]) { mean($0[0]) }
        for axis in 0..<3 {
            checkGradients([cube]) { sum($0[0], axis: axis) }
            checkGradients([cube]) { mean($0[0], axis: axis) }
        }
    }

    func testShapeOps() {
        checkGradients([a]) { reshape($0[0], [2, 6]) }
        checkGradients([a]) { slice($0[0], lastAxis: 1..<3) }
        checkGradients([a]) { slice($0[0], lastAxis: 0..<4) }
        checkGradients([a, awayFromZero([3, 2], seed: 11)]) { concatenate(lastAxis: [$0[0], $0[1]]) }
        // mu and logvar halves of one encoder output, used twice.
        checkGradients([a]) { slice($0[0], lastAxis: 0..<2) * exp(slice($0[0], lastAxis: 2..<4)) }
    }

    func testMatmulAllTransposes() {
        let m = 3, k = 5, n = 2
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let x = awayFromZero(ta ? [k, m] : [m, k], seed: 12)
            let y = awayFromZero(tb ? [n, k] : [k, n], seed: 13)
            checkGradients([x, y]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testLinear() {
        let x = awayFromZero([4, 5], seed: 14), w = awayFromZero([3, 5], seed: 15), bias = awayFromZero([3], seed: 16)
        checkGradients([x, w, bias]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        checkGradients([x, w]) { linear($0[0], weight: $0[1], bias: nil) }
    }

    func testLosses() {
        let target = uniformTensor([3, 4], 0, 1, seed: 17)
        let probabilities = uniformTensor([3, 4], 0.05, 0.95, seed: 18)
        for reduction in [Reduction.mean, .sum] {
            checkGradients([a]) { mseLoss($0[0], target, reduction: reduction) }
            checkGradients([probabilities], step: 1e-3) { binaryCrossEntropy($0[0], target, reduction: reduction) }
            checkGradients([a]) { binaryCrossEntropy(logits: $0[0], target, reduction: reduction) }
        }
        checkGradients([a, b]) { gaussianKL(mu: $0[0], logvar: $0[1]) }
    }
}
