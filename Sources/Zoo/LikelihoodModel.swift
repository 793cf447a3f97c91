/// A generative model with a likelihood it can bound from below by importance sampling, so
/// `zoo eval` reports a test log-likelihood (`--iwae-samples K`) that models of this kind can
/// be compared by, beside their own training loss.
public protocol LikelihoodModel: GenerativeModel {
    /// A lower bound on log p(x) in nats for each image [n, channels, height, width] in
    /// `pixelRange`, from `samples` importance samples per image (Burda et al. 2015: with one
    /// sample it is the ELBO, and it tightens as `samples` grows).
    func logLikelihoodBound(_ images: Tensor, samples: Int, generator: inout RandomGenerator) -> [Double]
}
