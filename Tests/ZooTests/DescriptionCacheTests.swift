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

    /// A report keeps the test set's own share of the metrics (`ReferenceTerms`) and the floor
    /// in the cache: a second report gives the same scores without describing the floor's
    /// training images again, and the scores equal those computed with no cache at all.
    func testReportsReuseTheCachedFloorAndReferenceTerms() throws {
        let folder = try ZooTestSupport.temporaryDirectory(self, "zoo-report-cache")
        let file = folder.appendingPathComponent("c.h5").path
        try CheckpointWriter.save(try CheckpointFixtures.trained("classifier", epochs: 1), to: file)
        let classifier = try ReferenceClassifier(path: file)
        let sets = try CheckpointFixtures.data()
        let (test, train) = (sets.test.prefix(400), sets.train)
        // "Generated" images: test images, described as a model's samples are (no cache key).
        let generated = try classifier.describe([sets.test.tensor(0..<300, range: classifier.pixelRange)], range: classifier.pixelRange)
        let cache = folder.appendingPathComponent("cache").path
        func cached(_ kind: String) -> [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: cache))?.filter { $0.hasPrefix(kind + "-") } ?? []
        }

        let first = try QualityReport(generated: generated, test: test, train: train, classifier: classifier, seed: 3, cacheDirectory: cache)
        XCTAssertEqual(cached("terms").count, 1)
        XCTAssertEqual(cached("score").count, 1)
        XCTAssertEqual(cached("description").count, 2, "the test set and the floor's 300 training images")
        let floorImages = DescriptionCache.path(for: DescriptionCache.key(classifierMD5: classifier.md5, images: train.prefix(300),
                                                                          range: classifier.pixelRange), in: cache)
        try FileManager.default.removeItem(atPath: floorImages)

        let second = try QualityReport(generated: generated, test: test, train: train, classifier: classifier, seed: 3, cacheDirectory: cache)
        XCTAssertEqual(second.samples, first.samples)
        XCTAssertEqual(second.floor, first.floor)
        XCTAssertFalse(FileManager.default.fileExists(atPath: floorImages), "a cached floor needs no description of its images")

        let reference = try classifier.describe(test, cacheDirectory: folder.appendingPathComponent("elsewhere").path)
        XCTAssertEqual(first.samples, try SampleQuality(generated, against: reference, seed: 3), "the same scores as computed without terms")
        XCTAssertEqual(first.floor, try SampleQuality(try classifier.describe(train.prefix(300), cacheDirectory: folder.appendingPathComponent("elsewhere").path),
                                                      against: reference, seed: 3))
    }
}
