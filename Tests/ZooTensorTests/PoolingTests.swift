import XCTest
@testable import ZooTensor

final class PoolingTests: XCTestCase {
    let cases: [(x: [Int], kernel: Pair, stride: Pair?, padding: Pair)] = [
        ([2, 3, 8, 8], 2, nil, 0),
        ([2, 2, 7, 9], 3, 2, 1),
        ([1, 3, 5, 6], Pair(2, 3), Pair(1, 2), Pair(1, 0)),
        ([2, 1, 9, 9], 3, nil, 0),
    ]

    func testMatchNaiveReference() {
        for (i, c) in cases.enumerated() {
            let x = uniformTensor(c.x, -2, 2, seed: UInt64(i))
            let stride = c.stride ?? c.kernel
            XCTAssertEqual(maxDifference(maxPool2d(Variable(x), kernel: c.kernel, stride: c.stride, padding: c.padding).value,
                                         Naive.pool2d(x, kernel: c.kernel, stride: stride, padding: c.padding, max: true)), 0, "max \(i)")
            let average = avgPool2d(Variable(x), kernel: c.kernel, stride: c.stride, padding: c.padding).value
            XCTAssertLessThan(maxDifference(average, Naive.pool2d(x, kernel: c.kernel, stride: stride, padding: c.padding, max: false)),
                              1e-6, "average \(i)")
        }
    }

    func testGradients() {
        for (i, c) in cases.enumerated() {
            // Distinct values far apart, so a finite difference never swaps which one is the max.
            var generator = RandomGenerator(seed: UInt64(100 + i))
            let count = Tensor.elementCount(c.x)
            let x = Tensor(shape: c.x, generator.permutation(count).map { Float($0) * 0.1 })
            checkGradients([x], step: 1e-2) { maxPool2d($0[0], kernel: c.kernel, stride: c.stride, padding: c.padding) }
            checkGradients([x]) { avgPool2d($0[0], kernel: c.kernel, stride: c.stride, padding: c.padding) }
        }
    }

    func testUpsampleNearest() {
        let x = uniformTensor([2, 3, 3, 4], -1, 1, seed: 7)
        for scale in [Pair(2, 2), Pair(3, 1), Pair(1, 2)] {
            XCTAssertTrue(upsampleNearest(Variable(x), scale: scale).value.isIdentical(to: Naive.upsampleNearest(x, scale: scale)))
            checkGradients([x]) { upsampleNearest($0[0], scale: scale) }
        }
    }
}
