import Foundation
import XCTest
import Zoo

/// The convolution ops learn what they should: a small LeNet-style classifier written with
/// them (two 5×5 convolutions with ReLU and 2×2 max pooling, one linear layer) trained for one
/// epoch of MNIST (batch 64, Adam, the learning rate decayed linearly from 2e-3 to 0 over the
/// epoch, inputs standardised with MNIST's mean and deviation as PyTorch's examples do).
///
/// The bound, 98.5% test accuracy, is the issue's. Measured on the reference machine, seeds 0-4
/// end at 98.88-99.10% (98.97% for seed 0). With a constant 1e-3 the same network ended at 98.2-98.8% (seeds 0-4): the last
/// steps' noise, which the decay removes, decided which side of 98.5% a seed fell on. A broken
/// gradient anywhere in the convolution, pooling or loss stays far below (an untrained network
/// scores about 10%, a linear classifier on pixels about 92%).
final class ConvClassifierLearningTests: XCTestCase {
    /// PyTorch's layer names: conv1, conv2, fc.
    final class Classifier {
        let conv1: Conv2d, conv2: Conv2d, fc: Linear

        init(generator: inout RandomGenerator, widths: (Int, Int)) {
            conv1 = Conv2d(1, widths.0, kernelSize: 5, padding: 2, generator: &generator)
            conv2 = Conv2d(widths.0, widths.1, kernelSize: 5, padding: 2, generator: &generator)
            fc = Linear(widths.1 * 7 * 7, 10, generator: &generator)
        }

        /// Images [n, 1, 28, 28] to class logits [n, 10].
        func callAsFunction(_ x: Variable) -> Variable {
            let h1 = maxPool2d(relu(conv1(x)), kernel: 2)   // [n, 32, 14, 14]
            let h2 = maxPool2d(relu(conv2(h1)), kernel: 2)  // [n, 64, 7, 7]
            return fc(reshape(h2, [x.shape[0], h2.value.count / x.shape[0]]))
        }

        var parameters: [(name: String, parameter: Variable)] {
            conv1.namedParameters(prefix: "conv1") + conv2.namedParameters(prefix: "conv2") + fc.namedParameters(prefix: "fc")
        }
    }

    /// Pixels in [0, 1] standardised with MNIST's mean and deviation, as PyTorch's examples do.
    static func normalized(_ images: Tensor) -> Tensor { images.affine(scale: 1 / 0.3081, offset: -0.1307 / 0.3081) }

    /// Trains one epoch (batch 64, Adam 1e-3, seeded shuffle) and returns the test accuracy.
    static func trainOneEpoch(seed: UInt64, widths: (Int, Int)) throws -> Double {
        let mnist = try ZooTestSupport.mnist()
        var generator = RandomGenerator(seed: seed)
        let model = Classifier(generator: &generator, widths: widths)
        let peak: Float = 2e-3
        let adam = Adam(parameters: model.parameters, learningRate: peak)
        let order = generator.permutation(mnist.trainCount)
        let batchSize = 64
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = order[start..<min(start + batchSize, order.count)]
            adam.learningRate = peak * (1 - Float(start) / Float(order.count))
            let images = normalized(Tensor(shape: [indices.count, 1, 28, 28], mnist.batch(.train, indices: indices)))
            let labels = indices.map { Int(mnist.trainLabels[$0]) }
            let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
            adam.step(gradients(of: loss, withRespectTo: model.parameters.map(\.parameter)))
        }
        var correct = 0
        for start in stride(from: 0, to: mnist.testCount, by: 500) {
            let indices = start..<min(start + 500, mnist.testCount)
            let logits = model(Variable(normalized(Tensor(shape: [indices.count, 1, 28, 28], mnist.batch(.test, indices: indices))))).value.scalars
            for (row, index) in indices.enumerated() {
                let scores = logits[(row * 10)..<(row * 10 + 10)]
                if scores.firstIndex(of: scores.max()!)! - row * 10 == Int(mnist.testLabels[index]) { correct += 1 }
            }
        }
        return Double(correct) / Double(mnist.testCount)
    }

    func testOneEpochReachesNinetyEightAndAHalfPercent() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["ZOO_LEARNING_SEED"] ?? "") ?? 0
        let accuracy = try Self.trainOneEpoch(seed: seed, widths: (32, 64))
        print("conv classifier, seed \(seed): test accuracy \(accuracy)")
        XCTAssertGreaterThanOrEqual(accuracy, 0.985)
    }
}
