#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ZooTensor

/// The Inception score's formula (Salimans et al. 2016) applied to the zoo classifier's class
/// probabilities for generated images: exp(E_x KL(p(y|x) ‖ p(y))), where p(y) is the mean of
/// p(y|x) over the images. High when each image is confidently one class and the classes are
/// evenly covered; between 1 and the number of classes.
///
/// As in the original code, the images are cut into `splits` consecutive parts (part s is rows
/// s·m/splits ..< (s+1)·m/splits, so every row counts even when splits does not divide m),
/// the score is computed within each part, and the mean and standard deviation (ddof 0,
/// numpy.std) of the parts are reported. Each row is renormalised to sum to 1 and 0·log 0 = 0,
/// as scipy.stats.entropy, which the reference code calls, does.
public enum ClassifierScore {
    /// `probabilities`: m rows of `classes` values each (row-major), each row a probability
    /// distribution (values ≥ 0, sum within 1e-3 of 1, the rounding of a float32 softmax being
    /// far smaller: anything further off is not probabilities, e.g. logits).
    public static func compute(probabilities: [Float], classes: Int, splits: Int = 10) throws -> (mean: Double, std: Double) {
        guard classes >= 1, probabilities.count % classes == 0 else {
            throw MetricError(.invalidShape, "\(probabilities.count) probabilities do not make rows of \(classes) classes")
        }
        let m = probabilities.count / classes
        guard splits >= 1, m >= splits else {
            throw MetricError(.invalidArgument, "the classifier score needs at least 1 split and a row per split, got \(splits) splits of \(m) rows")
        }
        var rows = [Double](repeating: 0, count: probabilities.count)
        for i in 0..<m {
            var sum = 0.0
            for c in 0..<classes {
                let p = probabilities[i * classes + c]
                guard p.isFinite, p >= 0 else {
                    throw MetricError(.invalidArgument, "probability \(c) of row \(i) is \(p); probabilities must be finite and at least 0")
                }
                sum += Double(p)
            }
            guard abs(sum - 1) <= 1e-3 else {
                throw MetricError(.invalidArgument, "the probabilities of row \(i) sum to \(sum), not 1 (softmax the classifier's outputs first)")
            }
            for c in 0..<classes { rows[i * classes + c] = Double(probabilities[i * classes + c]) / sum }
        }

        var scores: [Double] = []
        for split in 0..<splits {
            let part = (split * m / splits)..<((split + 1) * m / splits)
            var marginal = [Double](repeating: 0, count: classes)
            for i in part {
                for c in 0..<classes { marginal[c] += rows[i * classes + c] }
            }
            for c in 0..<classes { marginal[c] /= Double(part.count) }
            var divergence = 0.0
            for i in part {
                for c in 0..<classes {
                    let p = rows[i * classes + c]
                    // marginal[c] ≥ p / part.count > 0 wherever p > 0.
                    if p > 0 { divergence += p * log(p / marginal[c]) }
                }
            }
            scores.append(exp(divergence / Double(part.count)))
        }
        let mean = scores.reduce(0, +) / Double(splits)
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)
        return (mean, variance.squareRoot())
    }

    /// The same for a [images, classes] tensor of probabilities (a softmax's output).
    public static func compute(probabilities: Tensor, splits: Int = 10) throws -> (mean: Double, std: Double) {
        guard probabilities.rank == 2 else {
            throw MetricError(.invalidShape, "probabilities must be a 2-D tensor [images, classes], got shape \(probabilities.shape)")
        }
        return try compute(probabilities: probabilities.scalars, classes: probabilities.shape[1], splits: splits)
    }
}
