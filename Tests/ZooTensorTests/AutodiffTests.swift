import XCTest
@testable import ZooTensor

final class AutodiffTests: XCTestCase {
    func testDetachStopsGradient() {
        let x = Variable(parameter: Tensor(shape: [3], [1, 2, 3]))
        // d/dx [x · stop(x)] = stop(x), not 2x.
        let g = gradients(of: sum(x * x.detached()), withRespectTo: [x])[0]
        XCTAssertEqual(g.scalars, [1, 2, 3])
        let full = gradients(of: sum(x * x), withRespectTo: [x])[0]
        XCTAssertEqual(full.scalars, [2, 4, 6])
    }

    func testGradientFlowsThroughOneNetworkIntoAnother() {
        // A generator g(z) = z·G and a discriminator d(x) = x·D: the generator's loss runs through D.
        var generator = RandomGenerator(seed: 3)
        let gw = Variable(parameter: generator.normal([2, 3]))
        let dw = Variable(parameter: generator.normal([3, 1]))
        let z = Variable(generator.normal([4, 2]))
        let loss = sum(matmul(matmul(z, gw), dw))
        let grads = gradients(of: loss, withRespectTo: [gw])
        // d/dG sum(z G D) = zᵀ 1 Dᵀ
        let expected = GEMM.product(GEMM.product(z.value, Tensor(shape: [4, 1], repeating: 1), transposeA: true), dw.value, transposeB: true)
        for (e, g) in zip(expected.scalars, grads[0].scalars) { XCTAssertEqual(e, g, accuracy: 1e-5) }
        // The discriminator's step on detached fakes does not reach the generator.
        let fake = matmul(z, gw).detached()
        let dOnly = gradients(of: sum(matmul(fake, dw)), withRespectTo: [gw, dw])
        XCTAssertEqual(dOnly[0].scalars, [Float](repeating: 0, count: 6))
        XCTAssertNotEqual(dOnly[1].scalars, [0, 0, 0])
    }

    func testGraphIsFreedAfterStep() {
        weak var intermediate: Variable?
        let w = Variable(parameter: Tensor(shape: [2], [1, 2]))
        do {
            let hidden = w * w
            intermediate = hidden
            _ = gradients(of: sum(hidden), withRespectTo: [w])
        }
        XCTAssertNil(intermediate, "the graph should be released with its last variable")
    }

    func testConstantsRecordNoGraph() {
        let c = Variable(Tensor(shape: [2], [1, 2]))
        let y = exp(c) * c
        XCTAssertFalse(y.requiresGradient)
        XCTAssertTrue(y.inputs.isEmpty)
    }

    /// The gradient checker itself must catch a wrong backward pass, even a slightly wrong one.
    func testGradientCheckCatchesWrongGradients() {
        let x = awayFromZero([3, 4], seed: 1)
        func scaledSquare(_ v: Variable, gradientFactor: Float) -> Variable {
            Variable(v.value * v.value, inputs: [v]) { g, _ in [g * v.value * gradientFactor] }
        }
        XCTAssertNil(gradientMismatch([x]) { scaledSquare($0[0], gradientFactor: 2) })
        XCTAssertNotNil(gradientMismatch([x]) { scaledSquare($0[0], gradientFactor: 2.05) })
    }

    func testUnusedTargetGetsZeroGradient() {
        let used = Variable(parameter: Tensor(shape: [2], [1, 2]))
        let unused = Variable(parameter: Tensor(shape: [3], [1, 2, 3]))
        let grads = gradients(of: sum(used), withRespectTo: [used, unused])
        XCTAssertEqual(grads[1].scalars, [0, 0, 0])
    }
}
