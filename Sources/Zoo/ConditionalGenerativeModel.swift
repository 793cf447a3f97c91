/// A generative model conditioned on class labels (cVAE, cGAN): every image it draws, decodes or
/// encodes goes with a label in 0..<classCount. The verbs pass them on: `zoo sample --label 7`
/// or `--label all`, `zoo decode --label 3`, and `encode` and `reconstruct` give each test image
/// its own label.
public protocol ConditionalGenerativeModel: GenerativeModel {
    var classCount: Int { get }
    /// `labels.count` images, image i of class labels[i].
    func sample(labels: [Int], generator: inout RandomGenerator) -> Tensor
    /// Images for latent codes [n, latentSize] and their labels.
    func decode(_ latents: Tensor, labels: [Int]) -> Tensor
    /// As `GenerativeModel.encodeDetails`, for images of the given labels.
    func encodeDetails(_ images: Tensor, labels: [Int]) -> [String: Tensor]
}

extension ConditionalGenerativeModel {
    /// The classes in turn (0, 1, ..., classCount − 1, 0, ...): what a conditional model does
    /// where no labels are given, so an unlabelled draw is balanced.
    public func balancedLabels(_ count: Int) -> [Int] { (0..<count).map { $0 % classCount } }

    public func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor {
        sample(labels: balancedLabels(count), generator: &generator)
    }
    public func decode(_ latents: Tensor) -> Tensor { decode(latents, labels: balancedLabels(latents.shape[0])) }
    public func encode(_ images: Tensor) -> Tensor { encodeDetails(images)["z"]! }
    public func encodeDetails(_ images: Tensor) -> [String: Tensor] { encodeDetails(images, labels: balancedLabels(images.shape[0])) }
}

/// What the verbs call: labels reach a conditional model and are ignored by any other (the CLI
/// refuses `--label` for those before it gets here).
extension GenerativeModel {
    public var isConditional: Bool { self is any ConditionalGenerativeModel }

    public func sample(_ count: Int, labels: [Int]?, generator: inout RandomGenerator) -> Tensor {
        if let labels, let conditional = self as? any ConditionalGenerativeModel {
            precondition(labels.count == count, "one label per image")
            return conditional.sample(labels: labels, generator: &generator)
        }
        return sample(count, generator: &generator)
    }

    public func decode(_ latents: Tensor, labels: [Int]?) -> Tensor {
        if let labels, let conditional = self as? any ConditionalGenerativeModel { return conditional.decode(latents, labels: labels) }
        return decode(latents)
    }

    public func encodeDetails(_ images: Tensor, labels: [Int]?) -> [String: Tensor] {
        if let labels, let conditional = self as? any ConditionalGenerativeModel { return conditional.encodeDetails(images, labels: labels) }
        return encodeDetails(images)
    }

    /// Encode then decode, each image with its label when the model is conditional.
    public func reconstruct(_ images: Tensor, labels: [Int]?) -> Tensor {
        decode(encodeDetails(images, labels: labels)["z"]!, labels: labels)
    }
}
