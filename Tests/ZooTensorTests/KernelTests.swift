import XCTest
import Foundation
@testable import ZooTensor
import CZooKernels

/// The polynomial exp/log/tanh/sigmoid against libm in double precision.
final class KernelTests: XCTestCase {
    func maxRelativeError(_ range: ClosedRange<Float>, _ op: (Variable) -> Variable, _ reference: (Double) -> Double) -> Double {
        let n = 100_001
        let xs = (0..<n).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / Float(n - 1) }
        let ys = op(Variable(Tensor(shape: [n], xs))).value.scalars
        return zip(xs, ys).map { x, y in
            let exact = reference(Double(x))
            return abs(Double(y) - exact) / max(abs(exact), 1e-30)
        }.max()!
    }

    func testTranscendentalAccuracy() {
        XCTAssertLessThan(maxRelativeError(-80...80, exp, Foundation.exp), 3e-7)
        XCTAssertLessThan(maxRelativeError(1e-30...1e30, log, { Foundation.log($0) }), 3e-7)
        XCTAssertLessThan(maxRelativeError(1e-3...1, log, { Foundation.log($0) }), 3e-7)
        XCTAssertLessThan(maxRelativeError(-20...20, sigmoid, { 1 / (1 + Foundation.exp(-$0)) }), 1e-6)
        XCTAssertLessThan(maxRelativeError(-10...10, tanh, Foundation.tanh), 1e-6)
        XCTAssertLessThan(maxRelativeError(-30...30, softplus, { Foundation.log1p(Foundation.exp($0)) }), 1e-6)
    }

    func testEdgeValues() {
        let x = Variable(Tensor(shape: [5], [-1000, -100, 0, 100, 1000]))
        XCTAssertEqual(sigmoid(x).value.scalars.first!, 0, accuracy: 1e-30)
        XCTAssertEqual(sigmoid(x).value.scalars.last!, 1)
        XCTAssertEqual(tanh(x).value.scalars, [-1, -1, 0, 1, 1])
        XCTAssertEqual(softplus(x).value.scalars.last!, 1000)
        let logs = log(Variable(Tensor(shape: [3], [0, -1, .infinity]))).value.scalars
        XCTAssertEqual(logs[0], -.infinity)
        XCTAssertTrue(logs[1].isNaN)
        XCTAssertEqual(logs[2], .infinity)
        // BCE clamps its logs at -100, as PyTorch does, so certain wrong answers stay finite.
        let bce = binaryCrossEntropy(Variable(Tensor(shape: [2], [0, 1])), Tensor(shape: [2], [1, 0]), reduction: .sum)
        XCTAssertEqual(bce.value.scalar, 200)
        let stable = binaryCrossEntropy(logits: Variable(Tensor(shape: [2], [-200, 200])), Tensor(shape: [2], [1, 0]), reduction: .sum)
        XCTAssertEqual(stable.value.scalar, 400, accuracy: 1e-3)
    }

    /// A NaN anywhere reaches the output, as in PyTorch, so a diverged model shows in its loss
    /// at once instead of being clamped into a finite number.
    func testNaNPropagates() {
        let x = Variable(Tensor(shape: [3], [1, .nan, -1]))
        let target = Tensor(shape: [3], [1, 0, 1])
        let outputs: [(String, Variable)] = [
            ("exp", exp(x)), ("log", log(x)), ("sigmoid", sigmoid(x)), ("tanh", tanh(x)), ("softplus", softplus(x)),
            ("relu", relu(x)), ("leakyRelu", leakyRelu(x, negativeSlope: 0.2)), ("mse", mseLoss(x, target)),
            ("bce", binaryCrossEntropy(x, target)), ("bceLogits", binaryCrossEntropy(logits: x, target)),
            ("kl", gaussianKL(mu: x, logvar: x)),
        ]
        for (name, y) in outputs { XCTAssertTrue(y.value.scalars[y.value.count == 1 ? 0 : 1].isNaN, name) }
    }

    func testSumIsExactEnough() {
        let n = 1_000_003
        let t = Tensor(shape: [n], repeating: 0.1)
        XCTAssertEqual(Double(t.sum()), Double(Float(0.1)) * Double(n), accuracy: 0.01)  // one float ulp at 1e5
    }

    /// Long sums run in parallel over fixed chunks, so the thread count cannot change a loss,
    /// not even in the last bit of the double-precision total.
    func testLossSumsAgreeOnOneAndTwoThreadsAndWithDouble() {
        var generator = RandomGenerator(seed: 7)
        let n = 100_003  // a dozen chunks and a ragged end
        let p = generator.uniform([n], low: 0.01, high: 0.99).scalars, y = generator.uniform([n]).scalars
        let x = generator.normal([n], std: 3).scalars
        func sums() -> [Double] {
            [zoo_sum(p, n), zoo_squared_error(p, y, n), zoo_bce(p, y, n), zoo_bce_logits(x, y, n), zoo_gaussian_kl(x, y, n)]
        }
        let before = ComputeThreads.count
        defer { ComputeThreads.set(before) }
        ComputeThreads.set(1)
        let one = sums()
        ComputeThreads.set(2)
        let two = sums()
        XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern))

        func total(_ terms: [Double]) -> Double { terms.reduce(0, +) }
        let (ps, ys, xs) = (p.map(Double.init), y.map(Double.init), x.map(Double.init))
        let squared: [Double] = zip(ps, ys).map { p, y in (p - y) * (p - y) }
        let bce: [Double] = zip(ps, ys).map { p, y in -(y * Foundation.log(p) + (1 - y) * Foundation.log(1 - p)) }
        let bceLogits: [Double] = zip(xs, ys).map { x, y in max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-abs(x))) }
        let kl: [Double] = zip(xs, ys).map { mu, logvar in -0.5 * (1 + logvar - mu * mu - Foundation.exp(logvar)) }
        let exact = [total(ps), total(squared), total(bce), total(bceLogits), total(kl)]
        for (got, want) in zip(one, exact) { XCTAssertEqual(got, want, accuracy: abs(want) * 1e-6) }
    }
}

final class MatmulTests: XCTestCase {
    func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> [Double] {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1], n = tb ? b.shape[0] : b.shape[1]
        let av = a.scalars, bv = b.scalars
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let x = ta ? av[p * m + i] : av[i * k + p]
                    let y = tb ? bv[j * k + p] : bv[p * n + j]
                    c[i * n + j] += Double(x) * Double(y)
                }
            }
        }
        return c
    }

    func testAgainstNaiveForAllTransposesAndOddShapes() {
        var generator = RandomGenerator(seed: 5)
        for (m, k, n) in [(1, 1, 1), (1, 7, 1), (7, 13, 5), (128, 784, 3), (33, 65, 129), (2, 1, 3), (130, 300, 40)] {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let a = generator.normal(ta ? [k, m] : [m, k])
                let b = generator.normal(tb ? [n, k] : [k, n])
                let c = GEMM.product(a, b, transposeA: ta, transposeB: tb)
                XCTAssertEqual(c.shape, [m, n])
                for (x, y) in zip(c.scalars, naive(a, b, ta, tb)) {
                    XCTAssertEqual(Double(x), y, accuracy: 1e-4 * Double(k).squareRoot() * 4, "\(m)x\(k)x\(n) \(ta) \(tb)")
                }
            }
        }
    }

    func testAccumulateAddsOntoExisting() {
        let a = Tensor(shape: [1, 2], [1, 2]), b = Tensor(shape: [2, 1], [3, 4])
        var c = Tensor(shape: [1, 1], [10])
        GEMM.accumulate(a, b, into: &c, beta: 1)
        XCTAssertEqual(c.scalars, [21])
        GEMM.accumulate(a, b, into: &c, beta: 0.5)
        XCTAssertEqual(c.scalars, [21.5])
    }

    /// op(a)·op(b) + bias on every row, through dnnl_sgemm (tiny, and a 2-wide product), the
    /// fused primitive (one and two threads), and with no inner dimension at all.
    func testProductWithBiasAddsItToEveryRow() {
        var generator = RandomGenerator(seed: 11)
        for (m, k, n) in [(3, 4, 5), (128, 64, 2), (64, 96, 80), (160, 512, 160), (4, 0, 6)] {
            let a = generator.normal([m, k]), b = generator.normal([n, k]), bias = generator.normal([n])
            let c = GEMM.product(a, b, transposeB: true, bias: bias)
            let product = naive(a, b, false, true)
            XCTAssertEqual(c.shape, [m, n])
            for (i, x) in c.scalars.enumerated() {
                XCTAssertEqual(Double(x), product[i] + Double(bias.scalars[i % n]), accuracy: 1e-4 * Double(max(k, 1)).squareRoot() * 4, "\(m)x\(k)x\(n)")
            }
        }
    }

    /// Shapes big enough for the cached matmul primitives (one and two threads), transposed
    /// operands, beta 0, 1 and 0.5: each call of a shape gives the same bits as the first.
    func testPrimitivePathAccumulatesAndRepeatsExactly() {
        var generator = RandomGenerator(seed: 9)
        for (m, k, n) in [(64, 96, 80), (160, 512, 160)] {
            for (ta, tb) in [(false, true), (true, false)] {
                let a = generator.normal(ta ? [k, m] : [m, k]), b = generator.normal(tb ? [n, k] : [k, n])
                let start = generator.normal([m, n])
                let product = naive(a, b, ta, tb)
                for beta: Float in [0, 1, 0.5] {
                    var first = start, second = start
                    GEMM.accumulate(a, b, transposeA: ta, transposeB: tb, into: &first, beta: beta)
                    GEMM.accumulate(a, b, transposeA: ta, transposeB: tb, into: &second, beta: beta)
                    XCTAssertEqual(first.scalars, second.scalars, "\(m)x\(k)x\(n) beta \(beta) not repeatable")
                    for (i, x) in first.scalars.enumerated() {
                        let expected = product[i] + Double(beta) * Double(start.scalars[i])
                        XCTAssertEqual(Double(x), expected, accuracy: 1e-4 * Double(k).squareRoot() * 4)
                    }
                }
            }
        }
    }
}

final class TensorTests: XCTestCase {
    func testCopyOnWrite() {
        var a = Tensor(shape: [2, 2], [1, 2, 3, 4])
        let b = a
        a[flat: 0] = 9
        XCTAssertEqual(a.scalars, [9, 2, 3, 4])
        XCTAssertEqual(b.scalars, [1, 2, 3, 4])
    }

    func testBroadcastExpandAndSum() {
        let row = Tensor(shape: [3], [1, 2, 3])
        XCTAssertEqual(row.expanded(to: [2, 3]).scalars, [1, 2, 3, 1, 2, 3])
        let column = Tensor(shape: [2, 1], [1, 2])
        XCTAssertEqual(column.expanded(to: [2, 3]).scalars, [1, 1, 1, 2, 2, 2])
        let big = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(big.summed(toShape: [3]).scalars, [5, 7, 9])
        XCTAssertEqual(big.summed(toShape: [2, 1]).scalars, [6, 15])
        XCTAssertEqual(big.summed(toShape: [1]).scalars, [21])
        XCTAssertEqual((big + row).scalars, [2, 4, 6, 5, 7, 9])
        XCTAssertEqual(big.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(big.sum(axis: 1).scalars, [6, 15])
    }

    func testSliceAndConcatenate() {
        let t = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.slice(lastAxis: 1..<3).scalars, [2, 3, 5, 6])
        let joined = Tensor.concatenate(lastAxis: [t.slice(lastAxis: 0..<1), t.slice(lastAxis: 1..<3)])
        XCTAssertTrue(joined.isIdentical(to: t))
    }
}
