import XCTest
@testable import ZooTensor
import CZooKernels

final class ConvolutionTests: XCTestCase {
    /// Odd sizes, rectangular images and kernels, strides that do not divide the image,
    /// padding, dilation, with and without bias.
    let cases: [(x: [Int], w: [Int], stride: Pair, padding: Pair, dilation: Pair, bias: Bool)] = [
        ([2, 3, 7, 9], [4, 3, 3, 3], 1, 0, 1, true),
        ([2, 3, 7, 9], [5, 3, 3, 2], Pair(2, 1), Pair(1, 0), 1, true),
        ([1, 2, 11, 8], [3, 2, 5, 5], 2, 2, 1, false),
        ([3, 1, 9, 10], [2, 1, 3, 3], Pair(3, 2), 1, Pair(2, 1), true),
        ([2, 4, 6, 5], [6, 4, 1, 1], 1, 0, 1, true),
        ([2, 3, 28, 28], [8, 3, 5, 5], 2, 0, 1, true),  // the last stride does not fit: 28 → 12
    ]

    func testConv2dMatchesNaiveReference() {
        for (i, c) in cases.enumerated() {
            let x = uniformTensor(c.x, -1, 1, seed: UInt64(10 + i)), w = uniformTensor(c.w, -1, 1, seed: UInt64(20 + i))
            let b = c.bias ? uniformTensor([c.w[0]], -1, 1, seed: UInt64(30 + i)) : nil
            let window = Window(kernel: Pair(c.w[2], c.w[3]), stride: c.stride, padding: c.padding, dilation: c.dilation)
            let y = conv2d(Variable(x), weight: Variable(w), bias: b.map { Variable($0) }, window: window).value
            let expected = Naive.conv2d(x, w, b, stride: c.stride, padding: c.padding, dilation: c.dilation)
            XCTAssertEqual(y.shape, expected.shape, "case \(i)")
            XCTAssertLessThan(maxDifference(y, expected), 1e-4, "case \(i)")
        }
    }

    func testConvTranspose2dMatchesNaiveReference() {
        let transposed: [(x: [Int], w: [Int], stride: Pair, padding: Pair, outputPadding: Pair, dilation: Pair, bias: Bool)] = [
            ([2, 3, 4, 5], [3, 4, 3, 3], 1, 0, 0, 1, true),
            ([2, 3, 4, 5], [3, 2, 4, 4], 2, 1, 0, 1, true),  // DCGAN's 4×4 stride-2 doubling
            ([1, 4, 7, 7], [4, 3, 5, 5], 2, 2, 1, 1, false),  // TensorFlow DCGAN's 5×5 'same'
            ([2, 2, 3, 4], [2, 3, 3, 2], Pair(3, 2), Pair(1, 0), Pair(2, 1), 1, true),
            ([1, 2, 5, 4], [2, 2, 3, 3], 1, 1, Pair(1, 0), Pair(2, 1), true),
        ]
        for (i, c) in transposed.enumerated() {
            let x = uniformTensor(c.x, -1, 1, seed: UInt64(40 + i)), w = uniformTensor(c.w, -1, 1, seed: UInt64(50 + i))
            let b = c.bias ? uniformTensor([c.w[1]], -1, 1, seed: UInt64(60 + i)) : nil
            let window = Window(kernel: Pair(c.w[2], c.w[3]), stride: c.stride, padding: c.padding, dilation: c.dilation)
            let y = convTranspose2d(Variable(x), weight: Variable(w), bias: b.map { Variable($0) }, window: window,
                                    outputPadding: c.outputPadding).value
            let expected = Naive.convTranspose2d(x, w, b, stride: c.stride, padding: c.padding,
                                                 outputPadding: c.outputPadding, dilation: c.dilation)
            XCTAssertEqual(y.shape, expected.shape, "case \(i)")
            XCTAssertLessThan(maxDifference(y, expected), 1e-4, "case \(i)")
        }
    }

    func testConv2dGradients() {
        for (i, c) in cases.prefix(5).enumerated() {
            let x = awayFromZero(c.x, seed: UInt64(70 + i)), w = awayFromZero(c.w, seed: UInt64(80 + i))
            let window = Window(kernel: Pair(c.w[2], c.w[3]), stride: c.stride, padding: c.padding, dilation: c.dilation)
            if c.bias {
                checkGradients([x, w, awayFromZero([c.w[0]], seed: 90)]) { conv2d($0[0], weight: $0[1], bias: $0[2], window: window) }
            } else {
                checkGradients([x, w]) { conv2d($0[0], weight: $0[1], window: window) }
            }
        }
    }

    func testConvTranspose2dGradients() {
        let x = awayFromZero([2, 3, 3, 4], seed: 91), w = awayFromZero([3, 2, 3, 3], seed: 92), b = awayFromZero([2], seed: 93)
        checkGradients([x, w, b]) {
            convTranspose2d($0[0], weight: $0[1], bias: $0[2], window: Window(kernel: 3, stride: 2, padding: 1), outputPadding: 1)
        }
        checkGradients([x, w]) { convTranspose2d($0[0], weight: $0[1], window: Window(kernel: 3, stride: Pair(1, 2), dilation: Pair(2, 1))) }
    }

    /// Only the gradients asked for are computed, and each alone equals its share of all.
    func testPartialGradients() {
        let x = Variable(parameter: awayFromZero([2, 3, 6, 6], seed: 94))
        let w = Variable(parameter: awayFromZero([4, 3, 3, 3], seed: 95))
        let b = Variable(parameter: awayFromZero([4], seed: 96))
        let loss = { sum(conv2d(x, weight: w, bias: b, window: Window(kernel: 3, padding: 1)) * conv2d(x, weight: w, bias: b, window: Window(kernel: 3, padding: 1))) }
        let all = gradients(of: loss(), withRespectTo: [x, w, b])
        XCTAssertTrue(gradients(of: loss(), withRespectTo: [b])[0].isIdentical(to: all[2]))
        XCTAssertTrue(gradients(of: loss(), withRespectTo: [x])[0].isIdentical(to: all[0]))
    }

    /// The same inputs and thread count give the same bits, forward and backward.
    func testDeterministic() {
        let x = uniformTensor([16, 8, 14, 14], -1, 1, seed: 97), w = uniformTensor([16, 8, 5, 5], -1, 1, seed: 98)
        func run() -> [Tensor] {
            let (xv, wv) = (Variable(parameter: x), Variable(parameter: w))
            let y = conv2d(xv, weight: wv, window: Window(kernel: 5, stride: 2, padding: 2))
            let t = convTranspose2d(y, weight: wv, window: Window(kernel: 5, stride: 2, padding: 2), outputPadding: 1)
            return [y.value, t.value] + gradients(of: sum(t * t), withRespectTo: [xv, wv])
        }
        let first = run()
        for _ in 0..<2 { XCTAssertTrue(zip(first, run()).allSatisfy { $0.isIdentical(to: $1) }) }
    }

    /// A weight is reordered into oneDNN's blocked layout once per version: repeated calls reuse
    /// the copy, and writing the weight (as an optimizer step does) makes the next call see the
    /// new values.
    func testWeightsAreReorderedOncePerVersion() {
        let x = uniformTensor([4, 8, 12, 12], -1, 1, seed: 41)
        var w = uniformTensor([16, 8, 3, 3], -1, 1, seed: 42)
        let window = Window(kernel: 3, padding: 1)
        func forward() -> Tensor { conv2d(Variable(x), weight: Variable(w), window: window).value }
        let before = zoo_kept_copy_reorders()
        let first = forward()
        let reordersPerCall = zoo_kept_copy_reorders() - before
        XCTAssertEqual(reordersPerCall, 1, "the forward convolution works on a blocked copy of its weight")
        for _ in 0..<3 { XCTAssertTrue(forward().isIdentical(to: first)) }
        XCTAssertEqual(zoo_kept_copy_reorders() - before, reordersPerCall, "unchanged weights are not reordered again")

        w.withUnsafeMutableBufferPointer { $0[0] += 1 }  // in place, as the optimizers write
        let changed = forward()
        XCTAssertLessThan(maxDifference(changed, Naive.conv2d(x, w, nil, stride: 1, padding: 1, dilation: 1)), 1e-4)
        XCTAssertFalse(changed.isIdentical(to: first))
        XCTAssertEqual(zoo_kept_copy_reorders() - before, 2 * reordersPerCall)
    }

    func testConcatenateChannels() {
        let a = awayFromZero([2, 3, 2, 2], seed: 1), b = awayFromZero([2, 1, 2, 2], seed: 2)
        let joined = Tensor.concatenate([a, b], axis: 1)
        XCTAssertEqual(joined.shape, [2, 4, 2, 2])
        for n in 0..<2 {
            for ch in 0..<4 {
                let source = ch < 3 ? a.slice(axis: 0, n..<(n + 1)).slice(axis: 1, ch..<(ch + 1))
                                    : b.slice(axis: 0, n..<(n + 1))
                XCTAssertTrue(joined.slice(axis: 0, n..<(n + 1)).slice(axis: 1, ch..<(ch + 1)).isIdentical(to: source))
            }
        }
        checkGradients([a, b]) { concatenate($0, axis: 1) }
        checkGradients([a, awayFromZero([2, 3, 2, 1], seed: 3)]) { concatenate($0, axis: 3) }
    }
}
