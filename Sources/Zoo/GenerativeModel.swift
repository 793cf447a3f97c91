/// A generative model of images: it draws new images, decodes latent codes into images and
/// encodes images into codes, so `zoo sample`, `decode`, `encode` and `reconstruct` can drive
/// any of them.
public protocol GenerativeModel: TrainableModel {
    /// What `encode` means for this model, for `zoo list` and `zoo encode --help`.
    static var encodeDescription: String { get }
    var latentSize: Int { get }

    /// Latent codes [n, latentSize] for images [n, channels, height, width].
    func encode(_ images: Tensor) -> Tensor
    /// The encoding with everything the model knows about it, by name: "z" always (the same
    /// as `encode`), plus extras such as the VAE's "logvar" or the GAN's "reconstruction_mse".
    func encodeDetails(_ images: Tensor) -> [String: Tensor]
    /// Images [n, channels, height, width] in `pixelRange` for latent codes [n, latentSize].
    func decode(_ latents: Tensor) -> Tensor
    /// `count` new images [count, channels, height, width] in `pixelRange`.
    func sample(_ count: Int, generator: inout RandomGenerator) -> Tensor
}

extension GenerativeModel {
    public static var encodeDescription: String { "the latent code of each image" }
    public func encodeDetails(_ images: Tensor) -> [String: Tensor] { ["z": encode(images)] }
    /// The model's view of an image: encode then decode.
    public func reconstruct(_ images: Tensor) -> Tensor { decode(encode(images)) }
}
