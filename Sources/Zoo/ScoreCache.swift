import Foundation
import ZooFiles

/// Scores between two real image sets (the floor: training images against the test set), kept
/// as small JSON files beside the cached descriptions. They depend only on the two sets'
/// descriptions (whose keys name the classifier and the pixels) and the seed, so `zoo eval`
/// computes them once per classifier, dataset and seed rather than on every call.
enum ScoreCache {
    /// Bumped when a metric's definition or computation changes.
    static let version = "1"

    static func key(_ realKey: String, _ referenceKey: String, seed: UInt64) -> String {
        var digest = MD5()
        digest.update(Array("score \(version)\n\(realKey)\n\(referenceKey)\n\(seed)\n".utf8))
        return digest.hexDigest()
    }

    static func path(for key: String, in directory: String) -> String { "\(directory)/score-\(key).json" }

    /// The cached scores under `key`, or nil (missing or damaged: compute them again).
    static func read(_ key: String, in directory: String) -> SampleQuality? {
        guard let data = FileManager.default.contents(atPath: path(for: key, in: directory)),
              let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.key == key else { return nil }
        return stored.quality
    }

    /// Saves `quality` under `key`, atomically; a cache that cannot be written is skipped.
    static func write(_ quality: SampleQuality, key: String, in directory: String) {
        guard let data = try? JSONEncoder().encode(Stored(key: key, quality: quality)) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? AtomicFile.write(Array(data), to: path(for: key, in: directory), what: "score cache")
    }

    private struct Stored: Codable {
        var key: String
        var quality: SampleQuality
    }
}
