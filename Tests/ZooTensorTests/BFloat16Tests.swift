import XCTest
@testable import ZooTensor
import CZooKernels

/// bf16 mixed precision: the conversion (on every CPU), and the products, gradients and weight
/// conversions of the autodiff ops (where the CPU has AVX512_BF16; skipped with the reason
/// elsewhere). A bf16 product multiplies operands rounded to bfloat16 exactly and sums in
/// float32, so its naive reference is the double-precision product of the rounded operands.
final class BFloat16Tests: XCTestCase {
    override func tearDown() { ComputePrecision.set(.fp32) }

    /// Round to nearest, ties to even, on the bit pattern: the textbook conversion.
    static func naiveBFloat16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    func testConversionRoundsToNearestEven() {
        var values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                               1 + 0x1p-8,               // exactly halfway between 1 and 1 + 2⁻⁷: ties to 1 (even)
                               1 + 0x1p-7 + 0x1p-8,      // halfway above an odd mantissa: ties up to 1 + 2⁻⁶
                               1 + 0x1p-8 + 0x1p-20,     // just above halfway: up
                               1 + 0x1p-8 - 0x1p-20,     // just below halfway: down
                               .leastNormalMagnitude, 3.14159265, -2.71828182, 65504, 1e-30, 1e30]
        var generator = RandomGenerator(seed: 5)
        values += generator.normal([997]).scalars.map { $0 * 100 }  // an odd count: the vector loop's tail too
        let converted = Tensor(shape: [values.count], values).roundedToBFloat16().scalars
        for (x, y) in zip(values, converted) {
            let expected = Float(bitPattern: UInt32(Self.naiveBFloat16(x)) << 16)
            // oneDNN's portable conversion (CPUs without AVX512_BF16) writes -0 as +0: equal as numbers.
            if x == 0 { XCTAssertEqual(y, 0); continue }
            XCTAssertEqual(y.bitPattern, expected.bitPattern, "bf16(\(x)) = \(y), expected \(expected)")
        }
        XCTAssertEqual(converted[8], 1, "ties go to the even neighbour")
        XCTAssertEqual(converted[9], 1 + 0x1p-6, "ties go to the even neighbour")
        XCTAssertEqual(converted[6], .infinity, "the largest float rounds past bf16's largest")
        let nan = Tensor(shape: [2], [.nan, -.nan]).roundedToBFloat16().scalars
        XCTAssertTrue(nan.allSatisfy(\.isNaN), "NaN stays NaN (never rounds to infinity): \(nan)")
    }

    /// Skips (with the reason) where this CPU cannot run bf16 products.
    func requireBFloat16() throws {
        if let reason = Precision.bf16.unavailableReason { throw XCTSkip("bf16 products: \(reason)") }
    }

    /// The reasons name what is missing, and a CPU capped below AVX512_BF16 gets the same answer
    /// as one without it (tested from the command line with DNNL_MAX_CPU_ISA).
    func testAvailabilityIsDecidedByTheCPU() {
        XCTAssertNil(Precision.fp32.unavailableReason)
        if let reason = Precision.bf16.unavailableReason {
            XCTAssertTrue(reason.contains("AVX512_BF16") || reason.contains("oneDNN"), reason)
            XCTAssertFalse(reason.contains("\n"))
        }
    }

    /// The reference of a bf16 product: op(a)·op(b) of the rounded operands, in double.
    func reference(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, bias: Tensor? = nil) -> Tensor {
        let (ra, rb) = (a.roundedToBFloat16().scalars, b.roundedToBFloat16().scalars)
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = Double(bias?.scalars[j] ?? 0)
                for p in 0..<k {
                    let x = transposeA ? ra[p * m + i] : ra[i * k + p]
                    let y = transposeB ? rb[j * k + p] : rb[p * n + j]
                    sum += Double(x) * Double(y)
                }
                c[i * n + j] = Float(sum)
            }
        }
        return Tensor(shape: [m, n], c)
    }

    func testProductsMultiplyRoundedOperandsAndAccumulateInFloat32() throws {
        try requireBFloat16()
        // Tiny shapes too (a 1-wide logit, a 2-wide code): in bf16 every product is bf16.
        let shapes: [(m: Int, n: Int, k: Int)] = [(64, 96, 200), (3, 5, 7), (128, 1, 64), (17, 2, 300), (1, 33, 8)]
        for (s, shape) in shapes.enumerated() {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let a = uniformTensor(ta ? [shape.k, shape.m] : [shape.m, shape.k], -1, 1, seed: UInt64(10 * s + 1))
                let b = uniformTensor(tb ? [shape.n, shape.k] : [shape.k, shape.n], -1, 1, seed: UInt64(10 * s + 2))
                let c = GEMM.product(a, b, transposeA: ta, transposeB: tb, precision: .bf16)
                let expected = reference(a, b, transposeA: ta, transposeB: tb)
                XCTAssertLessThan(maxDifference(c, expected), 1e-4, "\(shape) transposes \(ta) \(tb)")
                if shape.k >= 64 {
                    // ... and not the fp32 product: rounding moves a sum of k terms by ~k·2⁻⁹·|term|.
                    let fp32 = GEMM.product(a, b, transposeA: ta, transposeB: tb)
                    XCTAssertGreaterThan(maxDifference(c, fp32), 1e-3, "\(shape): the operands were not rounded")
                }
                let bias = uniformTensor([shape.n], -1, 1, seed: UInt64(10 * s + 3))
                let withBias = GEMM.product(a, b, transposeA: ta, transposeB: tb, bias: bias, precision: .bf16, bIsWeight: true)
                XCTAssertLessThan(maxDifference(withBias, reference(a, b, transposeA: ta, transposeB: tb, bias: bias)), 1e-4)
            }
        }
    }

    /// linear's forward and backward products in bf16 against the naive ones on rounded
    /// operands: y = x·Wᵀ + b, dx = g·W, dW = gᵀ·x (g, the incoming gradient, rounded too).
    func testLinearForwardAndGradientsInBFloat16() throws {
        try requireBFloat16()
        let x = uniformTensor([32, 100], -1, 1, seed: 1), w = uniformTensor([48, 100], -1, 1, seed: 2)
        let b = uniformTensor([48], -1, 1, seed: 3), g = uniformTensor([32, 48], -1, 1, seed: 4)
        let (vx, vw, vb) = (Variable(parameter: x), Variable(parameter: w), Variable(parameter: b))
        ComputePrecision.set(.bf16)
        let y = linear(vx, weight: vw, bias: vb)
        ComputePrecision.set(.fp32)  // the backward pass keeps the forward pass's precision
        let grads = gradients(of: sum(y * Variable(g)), withRespectTo: [vx, vw, vb])
        XCTAssertLessThan(maxDifference(y.value, reference(x, w, transposeA: false, transposeB: true, bias: b)), 1e-4)
        XCTAssertLessThan(maxDifference(grads[0], reference(g, w, transposeA: false, transposeB: false)), 1e-4)
        XCTAssertLessThan(maxDifference(grads[1], reference(g, x, transposeA: true, transposeB: false)), 1e-4)
        XCTAssertLessThan(maxDifference(grads[2], g.sum(axis: 0)), 1e-5, "the bias gradient is an fp32 sum")
    }

    /// A weight is converted once per version, and the converted copy is shared by the forward
    /// product (Wᵀ) and the backward one (W); writing the weight converts it again.
    func testWeightIsConvertedOncePerVersion() throws {
        try requireBFloat16()
        let x = uniformTensor([16, 64], -1, 1, seed: 1), g = uniformTensor([16, 32], -1, 1, seed: 3)
        var w = uniformTensor([32, 64], -1, 1, seed: 2)
        ComputePrecision.set(.bf16)
        func step() -> [Tensor] {
            let vw = Variable(parameter: w)
            return gradients(of: sum(linear(Variable(parameter: x), weight: vw, bias: nil) * Variable(g)), withRespectTo: [vw])
        }
        let before = zoo_kept_copy_reorders()
        let first = step()
        XCTAssertEqual(zoo_kept_copy_reorders() - before, 1, "one conversion of W serves x·Wᵀ and g·W")
        for _ in 0..<3 { XCTAssertTrue(step()[0].isIdentical(to: first[0])) }
        XCTAssertEqual(zoo_kept_copy_reorders() - before, 1, "an unchanged weight is not converted again")
        w.withUnsafeMutableBufferPointer { $0[0] += 1 }  // in place, as the optimizers write
        _ = step()
        XCTAssertEqual(zoo_kept_copy_reorders() - before, 2)
    }

    func testConvolutionsInBFloat16() throws {
        try requireBFloat16()
        // A gray first layer (its backward passes run on plain layouts) and a blocked one.
        for (i, shapes) in [([4, 1, 28, 28], [8, 1, 5, 5]), ([4, 16, 14, 14], [32, 16, 5, 5])].enumerated() {
            let x = uniformTensor(shapes.0, -1, 1, seed: UInt64(i + 1)), w = uniformTensor(shapes.1, -1, 1, seed: UInt64(i + 11))
            let b = uniformTensor([shapes.1[0]], -1, 1, seed: UInt64(i + 21))
            let window = Window(kernel: 5, stride: 2, padding: 2)
            let (vx, vw) = (Variable(parameter: x), Variable(parameter: w))
            ComputePrecision.set(.bf16)
            let y = conv2d(vx, weight: vw, bias: Variable(b), window: window)
            ComputePrecision.set(.fp32)
            let g = uniformTensor(y.shape, -1, 1, seed: UInt64(i + 31))
            let grads = gradients(of: sum(y * Variable(g)), withRespectTo: [vx, vw])
            let (rx, rw, rg) = (x.roundedToBFloat16(), w.roundedToBFloat16(), g.roundedToBFloat16())
            let expected = Naive.conv2d(rx, rw, b, stride: 2, padding: 2, dilation: 1)
            XCTAssertLessThan(maxDifference(y.value, expected), 1e-4, "case \(i) forward")
            XCTAssertGreaterThan(maxDifference(y.value, Naive.conv2d(x, w, b, stride: 2, padding: 2, dilation: 1)), 1e-3,
                                 "case \(i): the operands were not rounded")
            // Reference gradients: those of the fp32 convolution of the rounded operands.
            let (ux, uw) = (Variable(parameter: rx), Variable(parameter: rw))
            let fp32 = gradients(of: sum(conv2d(ux, weight: uw, bias: Variable(b), window: window) * Variable(rg)), withRespectTo: [ux, uw])
            XCTAssertLessThan(maxDifference(grads[0], fp32[0]), 1e-4, "case \(i) dx")
            XCTAssertLessThan(maxDifference(grads[1], fp32[1]), 1e-3, "case \(i) dw (sums of \(shapes.0[0] * 196) terms)")
        }
        // A transposed convolution (DCGAN's generator) runs the same primitives the other way.
        let x = uniformTensor([4, 16, 7, 7], -1, 1, seed: 41), w = uniformTensor([16, 8, 5, 5], -1, 1, seed: 42)
        ComputePrecision.set(.bf16)
        let y = convTranspose2d(Variable(x), weight: Variable(w), window: Window(kernel: 5, stride: 2, padding: 2), outputPadding: 1)
        ComputePrecision.set(.fp32)
        let expected = Naive.convTranspose2d(x.roundedToBFloat16(), w.roundedToBFloat16(), nil, stride: 2, padding: 2,
                                             outputPadding: 1, dilation: 1)
        XCTAssertLessThan(maxDifference(y.value, expected), 1e-4)
    }

    /// Same inputs, threads and precision: the same bits.
    func testBFloat16ProductsAreDeterministic() throws {
        try requireBFloat16()
        let a = uniformTensor([128, 784], -1, 1, seed: 1), b = uniformTensor([256, 784], -1, 1, seed: 2)
        let first = GEMM.product(a, b, transposeB: true, precision: .bf16)
        for _ in 0..<3 { XCTAssertTrue(GEMM.product(a, b, transposeB: true, precision: .bf16).isIdentical(to: first)) }
    }
}
