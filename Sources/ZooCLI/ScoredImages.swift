import ArgumentParser
import Foundation
import Zoo

/// Images to score from outside the zoo (`zoo eval --images`): a NumPy file or a folder of
/// PNG/JPEG files, checked to be images of the classifier's shape in [0, 1].
struct ScoredImages {
    let values: [Float]
    let shape: ImageShape
    var count: Int { values.count / shape.elementCount }

    /// The images in batches [n, channels, height, width].
    var batches: [Tensor] {
        stride(from: 0, to: count, by: TrainingRun.evaluationBatchSize).map { start in
            let n = min(TrainingRun.evaluationBatchSize, count - start), size = shape.elementCount
            return Tensor(shape: shape.batch(n), Array(values[(start * size)..<((start + n) * size)]))
        }
    }

    static func load(_ source: String, shape: ImageShape) throws -> ScoredImages {
        let images: ScoredImages
        if FileKind.of(source) == .directory {
            // A folder is fitted to the classifier's size and channels, as `zoo train --data` does.
            let folder = try ImageFolder.load(source, side: shape.height, channels: shape.channels)
            for warning in folder.warnings { Output.note("warning: \(warning)") }
            images = ScoredImages(values: folder.images.map { Float($0) / 255 }, shape: shape)
        } else {
            images = try fromNumPy(source, shape: shape)
        }
        guard images.count >= 10 else {
            throw ZooError("\(source): \(plural(images.count, "image")); the metrics need at least 10")
        }
        return images
    }

    static func fromNumPy(_ path: String, shape: ImageShape) throws -> ScoredImages {
        let array = try NumPyArray.read(path: path)
        guard array.shape.count == 4, Array(array.shape.dropFirst()) == shape.dimensions else {
            throw ZooError("\(path): shape \(array.shape); the classifier reads images [n, \(shape.dimensions.map(String.init).joined(separator: ", "))]")
        }
        // Bytes are pixels 0...255; floats must already be in [0, 1].
        if array.storedType == "|u1" { return ScoredImages(values: array.values.map { $0 / 255 }, shape: shape) }
        if let bad = array.values.firstIndex(where: { !(0...1).contains($0) }) {
            let (low, high) = (array.values.min() ?? 0, array.values.max() ?? 0)
            throw ZooError("\(path): value \(array.values[bad]) at index \(bad) (values span \(low) to \(high)); images must be in [0, 1]")
        }
        return ScoredImages(values: array.values, shape: shape)
    }
}
