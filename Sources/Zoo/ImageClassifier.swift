/// A classifier of images: class scores for `zoo eval` (accuracy, confusion matrix), and the
/// features the quality metrics (FID, KID, precision and recall) compare generated and real
/// images with.
public protocol ImageClassifier: TrainableModel {
    /// Which layer `features` returns, for `zoo list` and reports.
    static var featureDescription: String { get }
    var classCount: Int { get }

    /// The feature vectors [n, featureSize] the quality metrics compare: the penultimate layer
    /// for images [n, channels, height, width] in `pixelRange`.
    func features(of images: Tensor) -> Tensor
    /// Unnormalised class scores [n, classCount] from those features (the last layer).
    func logits(fromFeatures features: Tensor) -> Tensor
}

extension ImageClassifier {
    /// Unnormalised class scores [n, classCount] for images [n, channels, height, width] in `pixelRange`.
    public func logits(_ images: Tensor) -> Tensor { logits(fromFeatures: features(of: images)) }

    /// The most likely class of each image.
    public func predict(_ images: Tensor) -> [Int] {
        let scores = logits(images), n = images.shape[0], classes = classCount
        return scores.withUnsafeBufferPointer { p in
            (0..<n).map { row in
                var best = 0
                for c in 1..<max(classes, 1) where p[row * classes + c] > p[row * classes + best] { best = c }
                return best
            }
        }
    }
}
