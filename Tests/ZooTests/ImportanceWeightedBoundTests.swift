import Foundation
import XCTest
import Zoo
import ZooModels

/// The VAE's importance-weighted bound on log p(x): against a naive evaluation of the formula,
/// against the ELBO, and as K grows.
final class ImportanceWeightedBoundTests: XCTestCase {
    func trainedVAE() throws -> (model: any LikelihoodModel, images: Tensor) {
        let run = try CheckpointFixtures.trained("vae", epochs: 1)
        let model = try XCTUnwrap(run.model as? any LikelihoodModel)
        return (model, try CheckpointFixtures.data().test.tensor(0..<40, range: .unit))
    }

    /// One image, K = 5, every term written out in Float64 from the model's own encode and decode.
    func testMatchesTheFormulaWrittenOut() throws {
        let (model, images) = try trainedVAE()
        let image = Tensor(shape: [1, 1, 28, 28], Array(images.scalars[0..<784]))
        let k = 5
        var generator = RandomGenerator(seed: 11)
        let bound = model.logLikelihoodBound(image, samples: k, generator: &generator)[0]

        var replay = RandomGenerator(seed: 11)
        let epsilon = replay.normal([k, model.latentSize]).scalars
        let details = model.encodeDetails(image)
        let mu = try XCTUnwrap(details["z"]).scalars, logvar = try XCTUnwrap(details["logvar"]).scalars
        let d = model.latentSize, x = image.scalars
        let halfLog2Pi = 0.5 * log(2 * Double.pi)
        var logWeights: [Double] = []
        for draw in 0..<k {
            var z = [Float](repeating: 0, count: d)
            var logPrior = 0.0, logPosterior = 0.0
            for j in 0..<d {
                z[j] = mu[j] + epsilon[draw * d + j] * Float(exp(Double(logvar[j]) / 2))
                logPrior += -0.5 * Double(z[j]) * Double(z[j]) - halfLog2Pi
                logPosterior += -0.5 * Double(epsilon[draw * d + j]) * Double(epsilon[draw * d + j]) - halfLog2Pi - 0.5 * Double(logvar[j])
            }
            let p = model.decode(Tensor(shape: [1, d], z)).scalars
            var logLikelihood = 0.0
            for i in 0..<784 {
                // PyTorch's BCE clamps log at -100, as zoo's does.
                logLikelihood += Double(x[i]) * max(log(Double(p[i])), -100) + Double(1 - x[i]) * max(log(Double(1 - p[i])), -100)
            }
            logWeights.append(logLikelihood + logPrior - logPosterior)
        }
        let largest = logWeights.max()!
        let expected = largest + log(logWeights.map { exp($0 - largest) }.reduce(0, +) / Double(k))
        XCTAssertEqual(bound, expected, accuracy: 1e-3 * abs(expected))
    }

    /// With one sample the bound is the ELBO of one draw: its mean over images is the model's
    /// −loss up to the noise of the draws; more samples tighten it.
    func testOneSampleIsTheELBOAndMoreSamplesTighten() throws {
        let (model, images) = try trainedVAE()
        var generator = RandomGenerator(seed: 3)
        let elbo = -(model.evaluate(images, labels: [], generator: &generator)["loss"] ?? 0) / 40
        func meanBound(_ k: Int) -> Double {
            var g = RandomGenerator(seed: 5)
            return model.logLikelihoodBound(images, samples: k, generator: &g).reduce(0, +) / 40
        }
        let one = meanBound(1), fifty = meanBound(50)
        XCTAssertEqual(one, elbo, accuracy: 0.05 * abs(elbo), "K = 1 \(one), ELBO \(elbo)")
        XCTAssertGreaterThan(fifty, one + 0.5, "K = 50 \(fifty) should be above K = 1 \(one)")
        XCTAssertEqual(meanBound(50), fifty, "the same seed gives the same bound")
    }
}
