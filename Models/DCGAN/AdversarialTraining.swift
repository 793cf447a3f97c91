import Zoo

/// The DCGAN training step and test metrics, shared by `dcgan` and its conditional version
/// `cgan` (which differ only in what G and D are given). One D step on
/// BCE(D(x), 1) + BCE(D(G(z)), 0), real and fake in separate passes as in the PyTorch example
/// (D's batch norm sees each alone), then one G step on the non-saturating BCE(D(G(z)), 1).
struct AdversarialTraining {
    /// G's images for this batch, still attached to G's parameters.
    let fake: Variable
    /// D's logits for images, the same batch's labels (if any) applied.
    let discriminate: (Variable, inout RandomGenerator) -> Variable

    func step(_ images: Tensor, optimizers: [any Optimizer], generatorParameters: [Variable], discriminatorParameters: [Variable],
              generator: inout RandomGenerator) -> [String: Float] {
        let n = images.shape[0]
        let ones = Tensor(shape: [n, 1], repeating: 1), zeros = Tensor(shape: [n, 1], repeating: 0)
        let realLogits = discriminate(Variable(images), &generator)
        let fakeLogits = discriminate(fake.detached(), &generator)
        let dLoss = binaryCrossEntropy(logits: realLogits, ones) + binaryCrossEntropy(logits: fakeLogits, zeros)
        optimizers[1].step(gradients(of: dLoss, withRespectTo: discriminatorParameters))

        let gLoss = binaryCrossEntropy(logits: discriminate(fake, &generator), ones)
        optimizers[0].step(gradients(of: gLoss, withRespectTo: generatorParameters))
        return ["d_loss": dLoss.value.scalar, "g_loss": gLoss.value.scalar,
                "d_real": Self.meanProbability(realLogits), "d_fake": Self.meanProbability(fakeLogits)]
    }

    /// D's and G's losses and D's mean verdicts on a test batch, summed over its images.
    func evaluate(_ images: Tensor, generator: inout RandomGenerator) -> [String: Double] {
        let n = images.shape[0]
        let ones = Tensor(shape: [n, 1], repeating: 1), zeros = Tensor(shape: [n, 1], repeating: 0)
        let realLogits = discriminate(Variable(images), &generator)
        let fakeLogits = discriminate(fake, &generator)
        let dLoss = binaryCrossEntropy(logits: realLogits, ones).value.scalar + binaryCrossEntropy(logits: fakeLogits, zeros).value.scalar
        let gLoss = binaryCrossEntropy(logits: fakeLogits, ones).value.scalar
        return ["d_loss": Double(dLoss) * Double(n), "g_loss": Double(gLoss) * Double(n),
                "d_real": Double(Self.meanProbability(realLogits)) * Double(n), "d_fake": Double(Self.meanProbability(fakeLogits)) * Double(n)]
    }

    /// The mean of sigmoid(logits): how real D finds a batch (0.5 at equilibrium).
    static func meanProbability(_ logits: Variable) -> Float { mean(sigmoid(logits.detached())).value.scalar }
}
