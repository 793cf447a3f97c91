import XCTest
import Zoo

/// The foundation end to end: real MNIST bytes → batches → a two-layer MLP → autodiff → Adam.
final class MLPLearnsTests: XCTestCase {
    /// A 784→64→784 autoencoder, 300 Adam steps of batch 128 on real MNIST.
    ///
    /// The bound: predicting the mean training image for every test image gives a per-pixel MSE of
    /// about 0.067 (MNIST's pixel variance); the untrained network (outputs near 0.5) gives about
    /// 0.2. Reaching 0.04 on held-out test images requires reconstructing each image's own
    /// strokes, which only learning does.
    func testTwoLayerMLPLearnsMNIST() throws {
        let mnist = try ImageDataset.load(.mnist)
        let train = ImageSet(mnist, .train), test = ImageSet(mnist, .test).prefix(2000)
        var generator = RandomGenerator(seed: 1)
        let net = try Sequential.perceptron([784, 64, 784], activation: { .relu }, output: .sigmoid, generator: &generator)
        let adam = Adam(parameters: net.namedParameters)
        let parameters = net.namedParameters.map(\.parameter)
        // Rows of 784 pixels, as the perceptron takes them.
        func rows(_ images: Tensor) -> Tensor { images.reshaped([images.shape[0], 784]) }
        let testImages = rows(test.tensor(0..<test.count, range: .unit))
        func testMSE() -> Float { mseLoss(net(Variable(testImages)), testImages).value.scalar }

        let meanImage = rows(train.tensor(0..<10_000, range: .unit)).sum(axis: 0).affine(scale: 1 / 10_000)
        let meanImageMSE = ((testImages - meanImage) * (testImages - meanImage)).sum() / Float(testImages.count)
        let untrained = testMSE()

        var steps = 0
        for batch in train.batches(size: 128, order: generator.permutation(train.count), range: .unit) where steps < 300 {
            let loss = mseLoss(net(Variable(rows(batch))), rows(batch))
            XCTAssertTrue(loss.value.scalar.isFinite)
            adam.step(gradients(of: loss, withRespectTo: parameters))
            steps += 1
        }
        let trained = testMSE()
        XCTAssertEqual(meanImageMSE, 0.067, accuracy: 0.01, "MNIST's pixel variance")
        XCTAssertGreaterThan(untrained, 0.15)
        XCTAssertLessThan(trained, 0.04, "untrained \(untrained), mean image \(meanImageMSE), trained \(trained)")
    }
}
