import Foundation
import XCTest
import Zoo
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
}
