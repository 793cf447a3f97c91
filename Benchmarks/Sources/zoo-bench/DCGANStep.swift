import Zoo

/// A DCGAN-sized training step for the convolution limit, with the TensorFlow DCGAN tutorial's
/// networks for 28×28 images: G: z 100 → linear 7·7·256 → BN → LeakyReLU → transposed convs 5×5
/// to 128 (stride 1), 64 (stride 2) with BN + LeakyReLU, then to 1 channel (stride 2), tanh;
/// D: convs 5×5 stride 2 to 64 and 128 with LeakyReLU and dropout 0.3, linear to a logit.
/// One step is a discriminator step on real and generated images, then a generator step on the
/// non-saturating loss, both with Adam 2e-4, β₁ 0.5.
final class DCGANStep {
    let generator: Sequential
    let discriminator: Sequential
    let generatorAdam: Adam, discriminatorAdam: Adam
    var random = RandomGenerator(seed: 1)

    init() {
        var g = RandomGenerator(seed: 0)
        func convT(_ i: Int, _ o: Int, stride: Int) -> ConvTranspose2d {
            ConvTranspose2d(i, o, kernelSize: 5, stride: Pair(stride, stride), padding: 2, outputPadding: Pair(stride - 1, stride - 1),
                            bias: false, generator: &g)
        }
        generator = Sequential(
            Linear(100, 7 * 7 * 256, generator: &g), BatchNorm1d(7 * 7 * 256), Activation.leakyRelu(0.2), Unflatten([256, 7, 7]),
            convT(256, 128, stride: 1), BatchNorm2d(128), Activation.leakyRelu(0.2),
            convT(128, 64, stride: 2), BatchNorm2d(64), Activation.leakyRelu(0.2),
            convT(64, 1, stride: 2), Activation.tanh)
        discriminator = Sequential(
            Conv2d(1, 64, kernelSize: 5, stride: 2, padding: 2, generator: &g), Activation.leakyRelu(0.2), Dropout(0.3),
            Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &g), Activation.leakyRelu(0.2), Dropout(0.3),
            Flatten(), Linear(128 * 7 * 7, 1, generator: &g))
        generatorAdam = Adam(parameters: generator.namedParameters, learningRate: 2e-4, betas: (0.5, 0.999))
        discriminatorAdam = Adam(parameters: discriminator.namedParameters, learningRate: 2e-4, betas: (0.5, 0.999))
    }

    func step(_ real: Tensor) {
        let n = real.shape[0]
        let fake = generator(Variable(random.normal([n, 100])), generator: &random)
        let logits = discriminator(Variable(Tensor.concatenate(firstAxis: [real, fake.value])), generator: &random)
        let labels = Tensor.concatenate(firstAxis: [Tensor(shape: [n, 1], repeating: 1), Tensor(shape: [n, 1], repeating: 0)])
        let dLoss = binaryCrossEntropy(logits: logits, labels, reduction: .sum) / Float(n)
        discriminatorAdam.step(gradients(of: dLoss, withRespectTo: discriminator.namedParameters.map(\.parameter)))
        let gLoss = binaryCrossEntropy(logits: discriminator(fake, generator: &random), Tensor(shape: [n, 1], repeating: 1))
        generatorAdam.step(gradients(of: gLoss, withRespectTo: generator.namedParameters.map(\.parameter)))
    }
}
