import Foundation
import ZooFiles

/// Small results kept as JSON files beside the cached descriptions (see `DescriptionCache`):
/// scores between two real image sets (the floor) and the real side's share of the metrics
/// (`ReferenceTerms`). Each depends only on what its key names (descriptions' keys, seeds,
/// sizes), so `zoo eval` computes it once rather than on every call. A missing or damaged file
/// is only a reason to compute the result again.
enum ResultCache {
    /// Bumped when a cached metric's definition or computation changes.
    static let version = "2"

    /// The key of a `kind` of result computed from `parts`.
    static func key(_ kind: String, _ parts: [String]) -> String {
        var digest = MD5()
        digest.update(Array(([kind, version] + parts).joined(separator: "\n").utf8))
        return digest.hexDigest()
    }

    static func path(_ kind: String, _ key: String, in directory: String) -> String { "\(directory)/\(kind)-\(key).json" }

    /// The cached `kind` result under `key`, or nil.
    static func read<Value: Codable>(_ kind: String, _ key: String, in directory: String) -> Value? {
        guard let data = FileManager.default.contents(atPath: path(kind, key, in: directory)),
              let stored = try? JSONDecoder().decode(Stored<Value>.self, from: data), stored.key == key else { return nil }
        return stored.value
    }

    /// Saves `value` under `key`, atomically; a cache that cannot be written is skipped.
    static func write<Value: Codable>(_ value: Value, _ kind: String, _ key: String, in directory: String) {
        guard let data = try? JSONEncoder().encode(Stored(key: key, value: value)) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? AtomicFile.write(Array(data), to: path(kind, key, in: directory), what: "\(kind) cache")
    }

    /// The result under `key`, computed by `compute` and kept when it is not cached yet.
    static func cached<Value: Codable>(_ kind: String, _ key: String, in directory: String, _ compute: () throws -> Value) rethrows -> Value {
        if let value: Value = read(kind, key, in: directory) { return value }
        let value = try compute()
        write(value, kind, key, in: directory)
        return value
    }

    private struct Stored<Value: Codable>: Codable {
        var key: String
        var value: Value
    }
}
