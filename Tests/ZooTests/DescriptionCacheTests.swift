import Foundation
import XCTest
@testable import Zoo
import ZooModels

/// Real image sets described by a classifier are cached by the classifier's checksum and the
/// pixels: read back identical, recomputed when damaged, never mixed between image sets.
final class DescriptionCacheTests: XCTestCase {
    func testCachedDescriptionsAreIdenticalAndDamageIsRecomputed() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-description-cache")
        let file = folder.appendingPathComponent("c.h5").path
        try CheckpointWriter.save(try CheckpointFixtures.trained("classifier", epochs: 1), to: file)
        let classifier = try ReferenceClassifier(path: file)
        let images = try CheckpointFixtures.data().test
        let cache = folder.appendingPathComponent("cache").path

        let first = try classifier.describe(images, cacheDirectory: cache)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        XCTAssertEqual(files.count, 1, "\(files)")
        let again = try classifier.describe(images, cacheDirectory: cache)
        XCTAssertEqual(again.features, first.features)
        XCTAssertEqual(again.probabilities, first.probabilities)
        XCTAssertEqual(again.statistics, first.statistics)

        // A damaged file is described anew (and rewritten), with the same result.
        let path = "\(cache)/\(files[0])"
        let bytes = try FileIO.read(path)
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try classifier.describe(images, cacheDirectory: cache).features, first.features)

        // Other pixels, another entry.
        let other = try classifier.describe(images.prefix(100), cacheDirectory: cache)
        XCTAssertEqual(other.count, 100)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache).count, 2)
    }

    /// The floor (real images against real images) is cached too: the same numbers as computed,
    /// another seed is another entry, and a damaged entry is computed again.
    func testFloorScoresAreCached() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-score-cache")
        let file = folder.appendingPathComponent("c.h5").path
        try CheckpointWriter.save(try CheckpointFixtures.trained("classifier", epochs: 1), to: file)
        let classifier = try ReferenceClassifier(path: file)
        let sets = try CheckpointFixtures.data()
        let cache = folder.appendingPathComponent("cache").path
        let real = try classifier.describe(sets.train.prefix(300), cacheDirectory: cache)
        let reference = try classifier.describe(sets.test.prefix(400), cacheDirectory: cache)
        func scores() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: cache))?.filter { $0.hasPrefix("score-") } ?? [] }

        let computed = try SampleQuality(real, against: reference, seed: 3)
        XCTAssertEqual(try QualityReport.floor(real, against: reference, seed: 3, cacheDirectory: cache), computed)
        XCTAssertEqual(scores().count, 1)
        XCTAssertEqual(try QualityReport.floor(real, against: reference, seed: 3, cacheDirectory: cache), computed)
        XCTAssertNotEqual(try QualityReport.floor(real, against: reference, seed: 4, cacheDirectory: cache), computed)
        XCTAssertEqual(scores().count, 2)

        for name in scores() { try Data("{\"key\": 1".utf8).write(to: URL(fileURLWithPath: "\(cache)/\(name)")) }
        XCTAssertEqual(try QualityReport.floor(real, against: reference, seed: 3, cacheDirectory: cache), computed)

        // Generated images have no key: nothing is cached for them.
        var generated = real
        generated.cacheKey = nil
        XCTAssertEqual(try QualityReport.floor(generated, against: reference, seed: 5, cacheDirectory: cache), try SampleQuality(real, against: reference, seed: 5))
        XCTAssertEqual(scores().count, 2)
    }
}
