import Foundation
import XCTest
import Zoo

/// The decoded-folder cache: read back when the folder is unchanged, decoded again when it
/// changed or when another channel count is asked for, and never an error when damaged.
final class ImageFolderCacheTests: XCTestCase {
    func testCacheHitsMissesAndSurvivesDamage() throws {
        let root = try ZooTestSupport.temporaryDirectory(self, "zoo-folder-cache")
        let images = root.appendingPathComponent("images"), cache = root.appendingPathComponent("cache").path
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<5 {
            let pixels = (0..<(8 * 6 * 3)).map { UInt8(($0 * 7 + i * 40) % 256) }
            try PNG.write(to: images.appendingPathComponent("\(i).png").path, width: 8, height: 6, channels: 3, pixels: pixels)
        }
        let (first, firstOutcome) = try ImageFolderCache.load(images.path, side: 4, channels: nil, cacheDirectory: cache)
        guard case .decoded(let saved?, _) = firstOutcome else { return XCTFail("\(firstOutcome)") }
        let (second, secondOutcome) = try ImageFolderCache.load(images.path, side: 4, channels: nil, cacheDirectory: cache)
        XCTAssertEqual(secondOutcome, .cached(path: saved))
        XCTAssertEqual(second.images, first.images)
        XCTAssertEqual(second.files, first.files)
        XCTAssertEqual(second.channels, 3)

        // The automatic choice was colour: asking for colour reads the cache, gray decodes again.
        XCTAssertEqual(try ImageFolderCache.load(images.path, side: 4, channels: 3, cacheDirectory: cache).outcome, .cached(path: saved))
        let gray = try ImageFolderCache.load(images.path, side: 4, channels: 1, cacheDirectory: cache)
        XCTAssertEqual(gray.folder.channels, 1)
        guard case .decoded = gray.outcome else { return XCTFail("\(gray.outcome)") }

        // A damaged cache file is decoded over, not an error.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: saved))
        let repaired = try ImageFolderCache.load(images.path, side: 4, channels: 3, cacheDirectory: cache)
        XCTAssertEqual(repaired.folder.images, first.images)
        XCTAssertEqual(repaired.outcome, .decoded(savedTo: saved, reason: "the folder changed since it was cached"))

        // A new file changes the fingerprint.
        try FileManager.default.copyItem(at: images.appendingPathComponent("0.png"), to: images.appendingPathComponent("5.png"))
        let grown = try ImageFolderCache.load(images.path, side: 4, channels: 3, cacheDirectory: cache)
        XCTAssertEqual(grown.folder.count, 6)

        // The split is seeded: the same seed holds out the same images.
        let a = ImageSet.split(grown.folder, testFraction: 0.5, seed: 1), b = ImageSet.split(grown.folder, testFraction: 0.5, seed: 1)
        XCTAssertEqual(a.test.pixels, b.test.pixels)
        XCTAssertEqual([a.train.count, a.test.count], [3, 3])
        XCTAssertEqual(a.train.classNames, ["images"], "an unlabelled folder is one class named after it")
    }
}
