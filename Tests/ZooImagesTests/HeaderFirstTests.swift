import Foundation
import XCTest
@testable import ZooData
@testable import ZooImages
import ZooFiles

/// An image file is judged by its header before the rest is read: one whose header declares
/// 30000x30000 pixels is refused at once, even when gigabytes follow (sparse files here, which
/// take no disk), alone or in a folder of training images.
final class HeaderFirstTests: XCTestCase {
    /// `head`, then a hole up to 8 GiB.
    private func sparseFile(_ path: String, head: [UInt8]) throws {
        try writeFile(head, to: path)
        XCTAssertEqual(truncate(path, off_t(8) << 30), 0)
    }

    private func expectFastRefusal<T>(_ parts: [String], line: UInt = #line, _ body: () throws -> T) {
        let start = Date()
        assertDataError(.imageTooLarge, parts, line: line, body)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "took too long", line: line)
    }

    /// A small JPEG whose frame header is changed to say 30000x30000.
    private func hugeJPEGHeader() throws -> [UInt8] {
        var jpeg = PixelImage(width: 8, height: 8, channels: 3, pixels: pseudoRandomBytes(192)).jpegData()
        let sof = try XCTUnwrap((0 ..< jpeg.count - 9).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        for offset in [sof + 5, sof + 7] { (jpeg[offset], jpeg[offset + 1]) = (0x75, 0x30) }  // 30000
        return jpeg
    }

    /// `jpeg` with 200 KiB of metadata (APP1 segments, as EXIF thumbnails and ICC profiles
    /// make) between its start and its frame header.
    private func withBulkyMetadata(_ jpeg: [UInt8]) -> [UInt8] {
        let segment = [0xFF, 0xE1, 0xFF, 0xFF] + pseudoRandomBytes(0xFFFF - 2)
        return Array(jpeg[0..<2]) + Array([[UInt8]](repeating: segment, count: 4).joined()) + Array(jpeg[2...])
    }

    func testJPEGFrameHeaderBehindMetadata() throws {
        let dir = try makeTempDirectory(self)
        let huge = "\(dir)/huge.jpg", fine = "\(dir)/fine.jpg"
        try sparseFile(huge, head: withBulkyMetadata(try hugeJPEGHeader()))
        expectFastRefusal([huge, "JPEG header says 30000x30000 pixels"]) { try ImageFile.read(path: huge) }
        XCTAssertEqual(JPEGSegments.frameSize(path: huge)?.width, 30000)
        // A real image with the same metadata reads as it would without.
        let image = PixelImage(width: 8, height: 6, channels: 3, pixels: pseudoRandomBytes(144))
        try writeFile(withBulkyMetadata(image.jpegData()), to: fine)
        let read = try ImageFile.read(path: fine)
        XCTAssertEqual([read.width, read.height, read.channels], [8, 6, 3])
        XCTAssertEqual(read.pixels, try JPEG.decode(image.jpegData()).pixels)
        XCTAssertTrue(JPEGSegments.frameSize(path: fine)! == (8, 6))
    }

    func testHugeHeadersWithGigabytesBehind() throws {
        let dir = try makeTempDirectory(self)
        let png = "\(dir)/class/huge.png", jpeg = "\(dir)/class/huge.jpg"
        try FileManager.default.createDirectory(atPath: "\(dir)/class", withIntermediateDirectories: true)
        // The IDAT chunk says it holds nearly 2 GiB.
        try sparseFile(png, head: PNG.signature + pngChunk("IHDR", ihdrData(width: 30000, height: 30000)) + [0x7f, 0xff, 0xff, 0xff] + Array("IDAT".utf8))
        try sparseFile(jpeg, head: try hugeJPEGHeader())
        expectFastRefusal([png, "PNG header says 30000x30000 pixels"]) { try ImageFile.read(path: png) }
        expectFastRefusal([png, "PNG header says 30000x30000 pixels"]) { try PNG.read(path: png) }
        expectFastRefusal([jpeg, "JPEG header says 30000x30000 pixels"]) { try ImageFile.read(path: jpeg) }
        expectFastRefusal([jpeg, "JPEG header says 30000x30000 pixels"]) { try JPEG.read(path: jpeg) }

        try writeFile(PixelImage(width: 8, height: 8, channels: 1, pixels: pseudoRandomBytes(64)).pngData(), to: "\(dir)/class/good.png")
        let start = Date()
        let folder = try ImageFolder.load(dir, side: 6)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertEqual(folder.files, ["\(dir)/class/good.png"])
        XCTAssertEqual(folder.skipped.count, 2)
        XCTAssertTrue(folder.skipped.allSatisfy { $0.reason.contains("header says 30000x30000 pixels") }, "\(folder.skipped)")
    }
}
