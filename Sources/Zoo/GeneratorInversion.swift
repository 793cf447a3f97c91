/// Encoding for models that have only a generator G (GANs): the code of an image is the z whose
/// G(z) comes closest to it, ‖G(z) − x‖² minimised over z by Adam from z = 0 with the weights
/// fixed. It is an approximation (G may not reach the image), so the result carries each
/// image's remaining mean squared error as "reconstruction_mse".
public struct GeneratorInversion {
    public var steps: Int
    public var learningRate: Float = 0.05

    public init(steps: Int, learningRate: Float = 0.05) {
        self.steps = steps
        self.learningRate = learningRate
    }

    /// "z" [n, latentSize] and "reconstruction_mse" [n] for images [n, c, h, w] through `generate`.
    public func invert(_ images: Tensor, latentSize: Int, generate: (Variable) -> Variable) -> [String: Tensor] {
        let n = images.shape[0], pixels = images.count / max(n, 1)
        let z = Variable(parameter: .zeros([n, latentSize]))
        let adam = Adam(parameters: [("z", z)], learningRate: learningRate)
        for _ in 0..<steps {
            // Summed over images so each image's z moves as if inverted alone.
            let loss = mseLoss(generate(z), images, reduction: .sum)
            adam.step(gradients(of: loss, withRespectTo: [z]))
        }
        let reconstruction = generate(Variable(z.value)).value
        let squared = ((reconstruction - images) * (reconstruction - images)).reshaped([n, pixels])
        return ["z": z.value, "reconstruction_mse": squared.sum(axis: 1).affine(scale: 1 / Float(pixels))]
    }
}
