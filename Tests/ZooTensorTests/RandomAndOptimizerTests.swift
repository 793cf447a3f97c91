import XCTest
@testable import ZooTensor

final class RandomGeneratorTests: XCTestCase {
    func testSameSeedSameStreamAndStateRestores() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
        let saved = a.state
        let expected = a.normal([5]).scalars
        var restored = RandomGenerator(state: saved)!
        XCTAssertEqual(restored.normal([5]).scalars, expected)
        XCTAssertNotEqual(RandomGenerator(seed: 1).state, RandomGenerator(seed: 2).state)
        XCTAssertNil(RandomGenerator(state: [0, 0, 0, 0]))
        XCTAssertNil(RandomGenerator(state: [1, 2]))
    }

    func testDistributions() {
        var generator = RandomGenerator(seed: 7)
        let u = generator.uniform([100_000], low: -1, high: 3).scalars
        XCTAssertGreaterThanOrEqual(u.min()!, -1)
        XCTAssertLessThan(u.max()!, 3)
        XCTAssertEqual(u.reduce(0, +) / Float(u.count), 1, accuracy: 0.02)
        let n = generator.normal([100_001], mean: 2, std: 3).scalars
        let mean = n.reduce(0, +) / Float(n.count)
        let variance = n.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(n.count)
        XCTAssertEqual(mean, 2, accuracy: 0.05)
        XCTAssertEqual(variance, 9, accuracy: 0.2)
        let order = generator.permutation(1000)
        XCTAssertEqual(order.sorted(), Array(0..<1000))
        XCTAssertNotEqual(order, Array(0..<1000))
    }

    func testLinearInitialisationBounds() {
        var generator = RandomGenerator(seed: 1)
        let layer = Linear(784, 256, generator: &generator)
        let bound: Float = 1 / 28
        XCTAssertEqual(layer.weight.shape, [256, 784])
        XCTAssertLessThanOrEqual(layer.weight.value.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(layer.weight.value.scalars.map(abs).max()!, bound * 0.99)
        XCTAssertLessThanOrEqual(layer.bias!.value.scalars.map(abs).max()!, bound)
    }
}

final class OptimizerTests: XCTestCase {
    /// Adam on one parameter against the textbook recurrence in double precision.
    func testAdamMatchesReference() {
        let p = Variable(parameter: Tensor(shape: [3], [0.5, -1, 2]))
        let adam = Adam(parameters: [("p", p)], learningRate: 0.1, betas: (0.9, 0.99))
        var reference = p.value.scalars.map(Double.init)
        var m = [Double](repeating: 0, count: 3), v = m
        for step in 1...5 {
            let g = p.value.scalars.map { 2 * $0 }  // gradient of Σp²
            adam.step([Tensor(shape: [3], g)])
            for i in 0..<3 {
                let gi = 2 * reference[i]
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.99 * v[i] + 0.01 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(step))), vHat = v[i] / (1 - pow(0.99, Double(step)))
                reference[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        for (x, y) in zip(p.value.scalars, reference) { XCTAssertEqual(Double(x), y, accuracy: 1e-5) }
        XCTAssertEqual(adam.state["p.step"]?.scalar, 5)
    }

    func testSGDMomentumMatchesReference() {
        let p = Variable(parameter: Tensor(shape: [1], [1]))
        let sgd = SGD(parameters: [("p", p)], learningRate: 0.1, momentum: 0.9)
        var x = 1.0, buffer = 0.0
        for step in 1...4 {
            sgd.step([Tensor(shape: [1], [2 * p.value.scalar])])
            buffer = step == 1 ? 2 * x : 0.9 * buffer + 2 * x
            x -= 0.1 * buffer
        }
        XCTAssertEqual(Double(p.value.scalar), x, accuracy: 1e-6)
    }

    func testStateRoundTripContinuesIdentically() throws {
        func makeRun() -> (Variable, Adam) {
            let p = Variable(parameter: Tensor(shape: [2], [1, -2]))
            return (p, Adam(parameters: [("w", p)]))
        }
        let (p1, a1) = makeRun()
        for _ in 0..<3 { a1.step([p1.value * 2]) }
        let (p2, a2) = makeRun()
        p2.value = p1.value
        try a2.load(state: a1.state)
        a1.step([p1.value * 2])
        a2.step([p2.value * 2])
        XCTAssertTrue(p1.value.isIdentical(to: p2.value))
        var broken = a1.state
        broken["w.exp_avg"] = Tensor(shape: [3], repeating: 0)
        XCTAssertThrowsError(try a2.load(state: broken))
        broken.removeValue(forKey: "w.exp_avg")
        XCTAssertThrowsError(try a2.load(state: broken))
    }
}

final class DeterminismTests: XCTestCase {
    /// The same seed and thread count give bit-identical weights after training.
    func testTrainingIsBitIdentical() {
        func train() -> [Tensor] {
            var generator = RandomGenerator(seed: 11)
            let net = Sequential(Linear(20, 64, generator: &generator), Activation.relu, Linear(64, 20, generator: &generator))
            let adam = Adam(parameters: net.namedParameters)
            let parameters = net.namedParameters.map(\.parameter)
            for _ in 0..<20 {
                let x = generator.normal([128, 20])
                let loss = mseLoss(net(Variable(x)), x)
                adam.step(gradients(of: loss, withRespectTo: parameters))
            }
            return parameters.map(\.value)
        }
        let first = train(), second = train()
        for (a, b) in zip(first, second) { XCTAssertTrue(a.isIdentical(to: b)) }
    }

    func testSequentialNamesFollowPyTorch() {
        var generator = RandomGenerator(seed: 1)
        let net = Sequential(Linear(4, 3, generator: &generator), Activation.relu, Linear(3, 2, generator: &generator))
        XCTAssertEqual(net.namedParameters(prefix: "encoder").map(\.name),
                       ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias"])
    }
}
