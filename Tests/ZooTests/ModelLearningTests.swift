import Foundation
import XCTest
import Zoo
import ZooModels

/// Each built-in model learns on real MNIST: a bounded number of steps on a subset, then a
/// bound that only learning reaches, measured against the untrained model and a trivial
/// baseline. The numbers in the comments were measured on the reference machine (x86_64, one
/// thread) for seeds 0-7 (set $ZOO_LEARNING_SEED to re-check); the bounds keep a clear margin.
///
/// All runs use one compute thread: the results are then the same on every machine with the
/// same kernels, whatever its core count, and a shared CI machine loses nothing to thread waits.
final class ModelLearningTests: LearningTestCase {

    // MARK: AE

    /// Default AE (784→256→128→2 and back, sigmoid output), 300 steps of 64 on 4000 images.
    ///
    /// Baselines on the first 1000 test images (pixels in [0, 1]):
    /// - untrained: MSE ≈ 0.232 (sigmoid outputs near 0.5 against mostly-black pixels);
    /// - predicting the training subset's mean image for every input: MSE ≈ 0.0651. A model that
    ///   ignores its code cannot beat this.
    /// Trained: 0.0511-0.0532 over seeds 0-7 (after 150 steps: ≈ 0.0556). Bound: 90 % of the
    /// mean-image MSE (≈ 0.0586), reachable only by using the 2-D code.
    func testAutoencoderLearnsBeyondTheMeanImage() throws {
        let mnist = try ZooTestSupport.mnist()
        let trainSet = ImageSet(mnist, .train).prefix(4000), test = ImageSet(mnist, .test).prefix(1000)
        let images = test.tensor(0..<test.count, range: .unit)
        let residual = images - meanImage(of: trainSet, range: .unit)
        let meanImageMSE = Double((residual * residual).sum()) / Double(images.count)
        XCTAssertEqual(meanImageMSE, 0.0651, accuracy: 0.002, "the baseline itself")

        let t = try train("ae", trainCount: 4000, testCount: 1000, steps: 300)
        let untrained = try XCTUnwrap(t.untrained["mse"]), trained = try XCTUnwrap(t.trained["mse"])
        print("ae: mean-image mse \(meanImageMSE)")
        XCTAssertGreaterThan(untrained, 0.2, "an untrained AE should be far off (≈ 0.232)")
        XCTAssertLessThan(trained, 0.9 * meanImageMSE, "the AE did not learn to use its code (untrained \(untrained))")
        // The training loss fell too: from the first step to the mean of the last ten.
        let first = Double(t.stepLosses[0]["mse"]!), last = mean(t.stepLosses.suffix(10).map { $0["mse"]! })
        XCTAssertLessThan(last, first / 3, "training mse \(first) → \(last)")
        // After epochFinished the sampler is fitted: samples are images in [0, 1] (a NaN would
        // fail this), and they differ from each other, so the fitted Gaussian has spread.
        var generator = RandomGenerator(seed: 1)
        let samples = t.run.generative.sample(64, generator: &generator)
        XCTAssertEqual(samples.shape, [64, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { (0...1).contains($0) })
        let pixels = samples.scalars
        XCTAssertGreaterThan(zip(pixels[0..<784], pixels[784..<1568]).map { abs($0 - $1) }.max() ?? 0, 0.1, "two samples are the same image")
    }

    /// The same AE, bound and steps in bf16 mixed precision (where the CPU has AVX512_BF16):
    /// rounding the products' operands to 8 significant bits must not stop it learning.
    func testAutoencoderLearnsInBFloat16() throws {
        if let reason = Precision.bf16.unavailableReason { throw XCTSkip("bf16: \(reason)") }
        let mnist = try ZooTestSupport.mnist()
        let trainSet = ImageSet(mnist, .train).prefix(4000), test = ImageSet(mnist, .test).prefix(1000)
        let residual = test.tensor(0..<test.count, range: .unit) - meanImage(of: trainSet, range: .unit)
        let meanImageMSE = Double((residual * residual).sum()) / Double(residual.count)
        defer { ComputePrecision.set(.fp32) }
        ComputePrecision.set(.bf16)
        let t = try train("ae", trainCount: 4000, testCount: 1000, steps: 300)
        let trained = try XCTUnwrap(t.trained["mse"])
        XCTAssertLessThan(trained, 0.9 * meanImageMSE, "the AE did not learn in bf16 (untrained \(t.untrained["mse"] ?? .nan))")
    }

    // MARK: VAE

    /// Default VAE (784→400→2·20, 20→400→784), 200 steps of 64 on 4000 images.
    ///
    /// Untrained, the decoder outputs ≈ 0.5 everywhere, so the loss per image is about
    /// 784·ln 2 ≈ 543 (measured 548-553 on the first 1000 test images) and KL ≈ 0.1.
    /// Trained: test loss 155.3-158.1 over seeds 0-7 (after 100 steps: ≈ 185); KL 13.4-14.2.
    /// Bounds: loss < 200, well below the untrained value and reached only by learning; and
    /// KL > 5, i.e. the code carries information about the image (no posterior collapse).
    func testVariationalAutoencoderLossFallsFromLn2PerPixel() throws {
        let t = try train("vae", trainCount: 4000, testCount: 1000, steps: 200)
        let untrained = try XCTUnwrap(t.untrained["loss"]), trained = try XCTUnwrap(t.trained["loss"])
        XCTAssertEqual(untrained, 784 * log(2.0), accuracy: 20, "an untrained VAE should sit near 784·ln 2")
        XCTAssertLessThan(trained, 200, "the VAE did not learn (untrained \(untrained))")
        XCTAssertEqual(trained, t.trained["bce"]! + t.trained["kl"]!, accuracy: 1e-6 * trained)
        XCTAssertGreaterThan(t.trained["kl"]!, 5, "the posterior collapsed onto the prior")
        XCTAssertLessThan(t.trained["bce"]!, t.untrained["bce"]! / 2)
        let first = Double(t.stepLosses[0]["loss"]!), last = mean(t.stepLosses.suffix(10).map { $0["loss"]! })
        XCTAssertLessThan(last, first / 2, "training loss \(first) → \(last)")
    }

    // MARK: GAN

    /// A smaller GAN than the default (G 100→128→256→512→784, D mirrored, instead of
    /// 256-512-1024; a quarter of the work), default optimiser (Adam 2e-4, β1 0.5), 250 steps of
    /// 64 on 6400 images, about 3 s on one thread.
    ///
    /// GAN training oscillates (G's overall brightness swings with a period of about 100 steps,
    /// single readings at one step ranged from -0.09 to -0.61), so the statistics are averaged
    /// over five probes at steps 150, 175, ..., 250 rather than read at one step. Pixels in [-1, 1];
    /// untrained values, then trained ones over seeds 0-7:
    /// - mean pixel of G(z): untrained |m| ≤ 0.003 (tanh of small values); the data's is -0.755
    ///   (mostly black background). Trained -0.36 to -0.50. Bound: < -0.25.
    /// - Pearson correlation between G's (probe-averaged) mean image and the data's mean image,
    ///   i.e. whether G puts ink where MNIST has strokes: untrained |r| ≤ 0.04; trained 0.90-0.96.
    ///   Bound: > 0.7.
    /// - On held-out test images, D(real) - D(fake) (mean probabilities from `evaluate`):
    ///   untrained |gap| ≤ 0.01; trained 0.21-0.42. Bound: > 0.1.
    /// - D's test loss: untrained 1.38-1.41 (2·ln 2 ≈ 1.386, chance); trained 0.76-1.16. Bound: < 1.3.
    func testGANMovesTowardTheDataAndItsDiscriminatorSeparatesRealFromFake() throws {
        let mnist = try ZooTestSupport.mnist()
        let test = ImageSet(mnist, .test).prefix(1000)
        let dataMean = meanImage(of: test, range: .symmetric).scalars
        let probeSteps: Set<Int> = [150, 175, 200, 225, 250]
        var generatedMeanSum = [Double](repeating: 0, count: 784)
        var gaps: [Double] = [], dLosses: [Double] = []
        func sampleMeanImage(_ run: TrainingRun) -> [Float] {
            var generator = RandomGenerator(seed: 99)
            return run.generative.sample(500, generator: &generator).sum(axis: 0).affine(scale: 1 / 500).scalars
        }
        func correlation(_ a: [Double], _ b: [Float]) -> Double {
            let b = b.map(Double.init)
            let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
            return sab / (saa * sbb).squareRoot()
        }

        var untrainedMean = 0.0, untrainedCorrelation = 0.0
        let t = try train("gan", overrides: ["hidden": "[128,256,512]"], trainCount: 6400, testCount: 1000, steps: 250) { step, run in
            if step == 0 {
                let m = sampleMeanImage(run).map(Double.init)
                untrainedMean = m.reduce(0, +) / 784
                untrainedCorrelation = correlation(m, dataMean)
            }
            guard probeSteps.contains(step) else { return }
            for (i, v) in sampleMeanImage(run).enumerated() { generatedMeanSum[i] += Double(v) }
            let metrics = run.evaluate(test)
            gaps.append(metrics["d_real"]! - metrics["d_fake"]!)
            dLosses.append(metrics["d_loss"]!)
        }
        let generatedMean = generatedMeanSum.map { $0 / Double(probeSteps.count) }
        let meanPixel = generatedMean.reduce(0, +) / 784, r = correlation(generatedMean, dataMean)
        let gap = gaps.reduce(0, +) / Double(gaps.count), dLoss = dLosses.reduce(0, +) / Double(dLosses.count)
        print("gan: mean pixel \(untrainedMean) → \(meanPixel) (data \(mean(dataMean))), correlation \(untrainedCorrelation) → \(r), D gap \(t.untrained["d_real"]! - t.untrained["d_fake"]!) → \(gap), D loss \(t.untrained["d_loss"]!) → \(dLoss)")

        // The untrained baselines the bounds are set against.
        XCTAssertEqual(t.untrained["d_loss"]!, 2 * log(2.0), accuracy: 0.05)
        XCTAssertEqual(Double(t.stepLosses[0]["d_loss"]!), 2 * log(2.0), accuracy: 0.05)
        XCTAssertLessThan(abs(t.untrained["d_real"]! - t.untrained["d_fake"]!), 0.05)
        XCTAssertLessThan(abs(mean(dataMean) + 0.755), 0.01)

        XCTAssertLessThan(meanPixel, -0.25, "G's images did not darken toward the data's mean \(mean(dataMean))")
        XCTAssertGreaterThan(r, 0.7, "G's mean image does not resemble where MNIST's strokes are")
        XCTAssertGreaterThan(gap, 0.1, "D does not tell held-out real images from G's")
        XCTAssertLessThan(dLoss, 1.3, "D's test loss stayed at chance")
    }
}
