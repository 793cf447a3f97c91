import Foundation
import Zoo

/// The importance-weighted bound (IWAE, Burda et al. 2015) on the VAE's log-likelihood:
///
///     log p(x) ≥ log 1/K Σₖ p(x | zₖ) p(zₖ) / q(zₖ | x),   zₖ = μ + σ·εₖ ~ q(z | x)
///
/// under the model's own Bernoulli decoder (log p(x | z) = −BCE summed over pixels), the
/// prior N(0, I) and the encoder's Gaussian. With K = 1 its mean is the ELBO.
extension VariationalAutoEncoder: LikelihoodModel {
    public func logLikelihoodBound(_ images: Tensor, samples: Int, generator: inout RandomGenerator) -> [Double] {
        precondition(samples >= 1, "IWAE needs at least one sample, got \(samples)")
        let n = images.shape[0], d = latentSize, pixels = imageShape.elementCount
        let q = posterior(Variable(images))
        let means = q.mu.value.scalars, logVariances = q.logvar.value.scalars, x = images.scalars
        // The draws of several images are decoded together, about 4,096 rows at a time: one
        // large matrix product each, not one small one per image.
        let drawsPerPass = min(samples, 4096), imagesPerPass = max(1, 4096 / drawsPerPass)
        var logWeights = [[Double]](repeating: [], count: n)
        for first in stride(from: 0, to: n, by: imagesPerPass) {
            let group = first..<min(first + imagesPerPass, n)
            for start in stride(from: 0, to: samples, by: drawsPerPass) {
                let k = min(drawsPerPass, samples - start), rows = group.count * k
                let epsilon = generator.normal([rows, d]).scalars
                var z = [Float](repeating: 0, count: rows * d), targets = [Float](repeating: 0, count: rows * pixels)
                // log p(z) − log q(z | x) per draw; the ½ log 2π terms cancel.
                var logPriorOverPosterior = [Double](repeating: 0, count: rows)
                for (g, image) in group.enumerated() {
                    for draw in 0..<k {
                        let row = g * k + draw
                        var sum = 0.0
                        for j in 0..<d {
                            let e = epsilon[row * d + j], l = logVariances[image * d + j]
                            let value = means[image * d + j] + e * exp(l * 0.5)
                            z[row * d + j] = value
                            sum += -0.5 * Double(value * value) + 0.5 * Double(e * e) + 0.5 * Double(l)
                        }
                        logPriorOverPosterior[row] = sum
                        targets[(row * pixels)..<((row + 1) * pixels)] = x[(image * pixels)..<((image + 1) * pixels)]
                    }
                }
                let probabilities = decoder(Variable(Tensor(shape: [rows, d], z))).value
                let bce = binaryCrossEntropyPerRow(probabilities, Tensor(shape: [rows, pixels], targets))
                for (g, image) in group.enumerated() {
                    for draw in 0..<k { logWeights[image].append(-bce[g * k + draw] + logPriorOverPosterior[g * k + draw]) }
                }
            }
        }
        // log of the mean of the weights, through the largest one so nothing overflows.
        return logWeights.map { weights in
            let largest = weights.max() ?? 0
            return largest + log(weights.reduce(0.0) { $0 + exp($1 - largest) } / Double(samples))
        }
    }
}
