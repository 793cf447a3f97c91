import Foundation
import XCTest
@testable import ZooData
@testable import ZooFiles
@testable import ZooImages

final class ImageFolderTests: XCTestCase {
    func image(_ width: Int, _ height: Int, _ channels: Int, seed: UInt64) -> PixelImage {
        PixelImage(width: width, height: height, channels: channels,
                   pixels: pseudoRandomBytes(width * height * channels, seed: seed))
    }

    func write(_ bytes: [UInt8], _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try writeFile(bytes, to: path)
    }

    func testClassesComeFromSortedSubfolders() throws {
        let dir = try makeTempDirectory(self)
        let gray = image(20, 10, 1, seed: 1), color = image(30, 30, 3, seed: 2), nested = image(9, 12, 3, seed: 3)
        try write(gray.pngData(), "\(dir)/dog/b.png")
        let jpeg = color.jpegData(quality: 92)
        try write(jpeg, "\(dir)/cat/a.jpg")
        try write(nested.pngData(), "\(dir)/cat/nested/c.png")
        try write(gray.pngData(), "\(dir)/cat/.hidden.png")      // hidden: not even listed
        try write(gray.pngData(), "\(dir)/.trash/x.png")         // a hidden folder is no class
        try write([], "\(dir)/dog/.DS_Store")

        let folder = try ImageFolder.load(dir, side: 8)
        XCTAssertEqual(folder.classNames, ["cat", "dog"])
        XCTAssertTrue(folder.isLabelled)
        XCTAssertEqual(folder.files, ["\(dir)/cat/a.jpg", "\(dir)/cat/nested/c.png", "\(dir)/dog/b.png"])
        XCTAssertEqual(folder.labels, [0, 0, 1])
        XCTAssertEqual(folder.channels, 3, "any color image makes the set RGB")
        XCTAssertEqual(folder.images.count, 3 * 3 * 8 * 8)
        XCTAssertEqual(folder.skipped, [])
        XCTAssertEqual(folder.warnings, [])
        // Each image is the fitted decode, in planes (NCHW).
        XCTAssertEqual(folder.image(at: 0), try JPEG.decode(jpeg).fitted(side: 8, channels: 3))
        XCTAssertEqual(folder.image(at: 1), nested.fitted(side: 8, channels: 3))
        XCTAssertEqual(folder.image(at: 2), gray.fitted(side: 8, channels: 3))
        let plane = 64, third = 2 * 3 * plane
        XCTAssertEqual(Array(folder.images[third ..< third + plane]), Array(folder.images[third + plane ..< third + 2 * plane]),
                       "a gray image has equal R and G planes")
        XCTAssertEqual(Array(folder.images[third ..< third + plane]), gray.fitted(side: 8, channels: 1).pixels)
    }

    func testFlatFolderIsOneUnlabelledSet() throws {
        let dir = try makeTempDirectory(self)
        try write(image(16, 16, 1, seed: 4).pngData(), "\(dir)/2.png")
        try write(image(40, 20, 1, seed: 5).jpegData(), "\(dir)/10.jpg")
        let folder = try ImageFolder.load(dir, side: 4)
        XCTAssertEqual(folder.classNames, [])
        XCTAssertFalse(folder.isLabelled)
        XCTAssertEqual(folder.labels, [0, 0])
        XCTAssertEqual(folder.files, ["\(dir)/10.jpg", "\(dir)/2.png"], "sorted by bytes, not numerically")
        XCTAssertEqual(folder.channels, 1, "all gray stays gray")
        XCTAssertEqual(try ImageFolder.load(dir, side: 4, channels: 3).channels, 3)
    }

    func testUnusableFilesAreSkippedWithOneLineWarnings() throws {
        let dir = try makeTempDirectory(self)
        let good = image(12, 12, 3, seed: 6)
        try write(good.pngData(), "\(dir)/good.png")
        var corrupt = good.pngData()
        corrupt[8 + 25 + 8 + 3] ^= 0x10
        try write(corrupt, "\(dir)/corrupt.png")
        try write(Array(good.pngData().prefix(60)), "\(dir)/truncated.png")
        let jpeg = image(64, 64, 3, seed: 7).jpegData()
        try write(Array(jpeg.prefix(jpeg.count / 2)), "\(dir)/truncated.jpg")
        try write([], "\(dir)/zero.png")
        try write(PNG.signature, "\(dir)/empty.png")
        try write(Array("just some notes\n".utf8), "\(dir)/notes.txt")
        try write(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), "\(dir)/animated.png")
        try write(PNG.signature + pngHeaderChunk(width: 30000, height: 30000), "\(dir)/huge.png")

        let folder = try ImageFolder.load(dir, side: 6)
        XCTAssertEqual(folder.files, ["\(dir)/good.png"])
        let reasons = Dictionary(uniqueKeysWithValues: folder.skipped.map { (($0.path as NSString).lastPathComponent, $0.reason) })
        XCTAssertEqual(folder.skipped.count, 8)
        XCTAssertEqual(folder.skipped.map(\.path), folder.skipped.map(\.path).sorted(), "sorted")
        XCTAssertTrue(reasons["corrupt.png"]!.hasPrefix("bad PNG: IDAT"), reasons["corrupt.png"]!)
        XCTAssertTrue(reasons["truncated.png"]!.contains("truncated"), reasons["truncated.png"]!)
        XCTAssertTrue(reasons["truncated.jpg"]!.contains("Premature end of JPEG file"), reasons["truncated.jpg"]!)
        XCTAssertEqual(reasons["zero.png"], "empty file")
        XCTAssertTrue(reasons["empty.png"]!.contains("bad PNG"), reasons["empty.png"]!)
        XCTAssertEqual(reasons["notes.txt"], "not a PNG or JPEG image (data starting with 6a 75 73 74)")
        XCTAssertEqual(reasons["animated.png"], "not a PNG or JPEG image (a GIF image)")
        XCTAssertTrue(reasons["huge.png"]!.contains("30000x30000"), reasons["huge.png"]!)
        for warning in folder.warnings {
            XCTAssertFalse(warning.contains("\n"))
            XCTAssertTrue(warning.hasPrefix("skipped \(dir)/"), warning)
        }
    }

    func testFilesBesideClassFoldersAndEmptyClassesAreReported() throws {
        let dir = try makeTempDirectory(self)
        try write(image(5, 5, 1, seed: 8).pngData(), "\(dir)/a/x.png")
        try write(Array("not an image".utf8), "\(dir)/b/readme.txt")
        try write(image(5, 5, 1, seed: 9).pngData(), "\(dir)/stray.png")
        let folder = try ImageFolder.load(dir, side: 5)
        XCTAssertEqual(folder.classNames, ["a", "b"])
        XCTAssertEqual(folder.labels, [0])
        XCTAssertEqual(folder.skipped.map(\.path), ["\(dir)/b/readme.txt", "\(dir)/stray.png"])
        XCTAssertTrue(folder.skipped[1].reason.contains("not in a class folder"))
        XCTAssertEqual(folder.warnings.last, "class 'b' has no usable images")
    }

    func testFolderWithoutUsableImagesIsAnError() throws {
        let dir = try makeTempDirectory(self)
        assertDataError(.noImages, ["\(dir): no usable PNG or JPEG images (0 files skipped)"]) {
            try ImageFolder.load(dir, side: 8)
        }
        try write(Array("x".utf8), "\(dir)/a.txt")
        assertDataError(.noImages, ["\(dir): no usable PNG or JPEG images (1 file skipped; first \(dir)/a.txt: not a PNG"]) {
            try ImageFolder.load(dir, side: 8)
        }
        assertDataError(.io, ["\(dir)/missing: no such folder"]) { try ImageFolder.load("\(dir)/missing", side: 8) }
        assertDataError(.io, ["\(dir)/a.txt: not a folder"]) { try ImageFolder.load("\(dir)/a.txt", side: 8) }
    }

    func testThreadCountDoesNotChangeTheResultAndProgressCountsUp() throws {
        let dir = try makeTempDirectory(self)
        for i in 0 ..< 24 {
            let picture = image(10 + i, 30 - i, i % 3 == 0 ? 1 : 3, seed: UInt64(100 + i))
            try write(i % 2 == 0 ? picture.pngData() : picture.jpegData(), "\(dir)/c\(i % 3)/\(i).img")
        }
        try write(Array("bad".utf8), "\(dir)/c1/zz.bad")
        let calls = ProgressLog()
        let one = try ImageFolder.load(dir, side: 7, threads: 1)
        let many = try ImageFolder.load(dir, side: 7, threads: 5) { done, total in calls.record(done, total) }
        XCTAssertEqual(one.images, many.images)
        XCTAssertEqual(one.labels, many.labels)
        XCTAssertEqual(one.files, many.files)
        XCTAssertEqual(one.skipped, many.skipped)
        XCTAssertEqual(many.count, 24)
        XCTAssertEqual(calls.entries.map(\.done), Array(1 ... 25))
        XCTAssertTrue(calls.entries.allSatisfy { $0.total == 25 })
    }

    /// The IHDR chunk of an RGB PNG, with its CRC.
    func pngHeaderChunk(width: UInt32, height: UInt32) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        let body = Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0]
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return be32(13) + body + be32(~crc)
    }
}

/// Progress calls, recorded from whichever thread makes them.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [(done: Int, total: Int)] = []

    func record(_ done: Int, _ total: Int) { lock.withLock { log.append((done, total)) } }
    var entries: [(done: Int, total: Int)] { lock.withLock { log } }
}
