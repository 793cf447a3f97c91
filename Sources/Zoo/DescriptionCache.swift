import Foundation
import ZooHDF5

/// What a reference classifier makes of a real image set (the test set, the floor's training
/// images), kept as HDF5 files in the zoo cache folder: describing 20,000 real images is most of
/// what `zoo eval` would otherwise repeat on every call, and it depends only on the classifier
/// file and the pixels, both part of the key. A missing or damaged cache file is only a reason
/// to describe the images again.
enum DescriptionCache {
    /// Bumped when what a description holds, or how it is computed, changes.
    static let version = "1"

    static func key(classifierMD5: String, images: ImageSet, range: PixelRange) -> String {
        var digest = MD5()
        digest.update(Array("\(version)\n\(classifierMD5)\n\(images.shape.dimensions)\n\(images.count)\n\(range.rawValue)\n".utf8))
        digest.update(images.pixels)
        return digest.hexDigest()
    }

    static func path(for key: String, in directory: String) -> String { "\(directory)/description-\(key).h5" }

    /// The cached description under `key`, or nil.
    static func read(_ key: String, in directory: String, classes: Int) -> ImageDescription? {
        let path = path(for: key, in: directory)
        guard FileKind.of(path) == .regular else { return nil }
        do {
            let root = try HDF5File.open(path).root
            guard try root.attributes.string("key") == key else { return nil }
            let features = try root.openDataset("features"), probabilities = try root.openDataset("probabilities")
            guard features.shape.count == 2, probabilities.shape == [features.shape[0], classes] else { return nil }
            let matrix = try FeatureMatrix(rows: features.shape[0], columns: features.shape[1], values: try features.read(as: Float.self))
            return ImageDescription(features: matrix, statistics: try GaussianStatistics(matrix),
                                    probabilities: try probabilities.read(as: Float.self), classes: classes)
        } catch {
            return nil
        }
    }

    /// Saves `description` under `key`, atomically; a cache that cannot be written is skipped.
    static func write(_ description: ImageDescription, key: String, in directory: String) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = path(for: key, in: directory)
            let bytes = 4 * (description.features.values.count + description.probabilities.count)
            let file = try HDF5File.inMemory(name: path, expectedSize: bytes + (64 << 10))
            try file.root.attributes.set("key", key)
            try file.root.write("features", description.features.values, shape: [description.count, description.features.columns])
            try file.root.write("probabilities", description.probabilities, shape: [description.count, description.classes])
            try file.flush()
            try file.closeWithImage { bytes in try AtomicFile.write(bytes, to: path, what: "description cache") }
        } catch {}
    }
}
