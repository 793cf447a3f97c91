/// A Gaussian encoder's answer q(z | x) = N(μ, σ²), as variational autoencoders use it: one
/// encoder output [n, 2·latent] holds μ and log σ² side by side.
public struct GaussianPosterior {
    public let mu: Variable
    public let logvar: Variable

    /// Splits `output` [n, 2·latent] into μ (the first half of each row) and log σ².
    public init(_ output: Variable, latent: Int) {
        precondition(output.shape.count == 2 && output.shape[1] == 2 * latent, "a Gaussian posterior needs [n, \(2 * latent)], got \(output.shape)")
        mu = slice(output, lastAxis: 0..<latent)
        logvar = slice(output, lastAxis: latent..<(2 * latent))
    }

    /// z = μ + σ·ε with ε ~ N(0, I) from `generator`: the reparameterisation, so gradients
    /// reach μ and log σ².
    public func sample(generator: inout RandomGenerator) -> Variable {
        mu + Variable(generator.normal(mu.shape)) * exp(logvar * 0.5)
    }

    /// KL(q(z | x) ‖ N(0, I)) summed over the batch.
    public var klDivergence: Variable { gaussianKL(mu: mu, logvar: logvar) }
}
