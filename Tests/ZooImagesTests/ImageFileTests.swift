import Foundation
import XCTest
@testable import ZooFiles
@testable import ZooImages

/// Format sniffing, the size limits, and errors for files that are no image at all.
final class ImageFileTests: XCTestCase {
    let rgb = PixelImage(width: 4, height: 3, channels: 3, pixels: pseudoRandomBytes(36))

    func testFormatComesFromTheBytesNotTheName() throws {
        let dir = try makeTempDirectory(self)
        try Data(rgb.pngData()).write(to: URL(fileURLWithPath: "\(dir)/really-png.jpg"))
        try Data(rgb.jpegData()).write(to: URL(fileURLWithPath: "\(dir)/really-jpeg.png"))
        XCTAssertEqual(try ImageFile.read(path: "\(dir)/really-png.jpg"), rgb)
        XCTAssertEqual(try ImageFile.read(path: "\(dir)/really-jpeg.png").channels, 3)
        XCTAssertEqual(ImageFormat.sniff(rgb.pngData()), .png)
        XCTAssertEqual(ImageFormat.sniff(rgb.jpegData()), .jpeg)
        XCTAssertNil(ImageFormat.sniff([0x89, 0x50]))
    }

    func testNotAnImage() {
        assertDataError(.notAnImage, ["a.gif: not a PNG or JPEG image (a GIF image)"]) {
            try ImageFile.decode(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), source: "a.gif")
        }
        assertDataError(.notAnImage, ["t.png: not a PNG or JPEG image (data starting with 3c 68 74 6d)"]) {
            try ImageFile.decode(Array("<html>oops</html>".utf8), source: "t.png")
        }
        assertDataError(.emptyFile, ["z.png: empty file"]) { try ImageFile.decode([], source: "z.png") }
    }

    func testHugePNGHeaderIsRefusedBeforeDecoding() {
        // 30000 x 30000 RGB would be 2.7 GB: a header alone (correct CRC, no pixel data).
        let huge = PNG.signature + pngChunk("IHDR", ihdrData(width: 30000, height: 30000)) + pngChunk("IEND", [])
        XCTAssertLessThan(huge.count, 60)
        assertDataError(.imageTooLarge, ["huge.png: PNG header says 30000x30000 pixels", "16384 on a side"]) {
            try ImageFile.decode(huge, source: "huge.png")
        }
        // Within the side limit but over the pixel limit, and a tighter limit of the caller's.
        let wide = PNG.signature + pngChunk("IHDR", ihdrData(width: 16000, height: 16000)) + pngChunk("IEND", [])
        assertDataError(.imageTooLarge, ["16000x16000"]) {
            try ImageFile.decode(wide, source: "w.png", limits: ImageLimits(maxSide: 16384, maxPixels: 1 << 20))
        }
        assertDataError(.imageTooLarge, ["4x3", "limit of 2 on a side"]) {
            try ImageFile.decode(rgb.pngData(), source: "s.png", limits: ImageLimits(maxSide: 2))
        }
        let zero = PNG.signature + pngChunk("IHDR", ihdrData(width: 0, height: 5)) + pngChunk("IEND", [])
        assertDataError(.badPNG, ["0.png: bad PNG: Invalid IHDR data"]) { try ImageFile.decode(zero, source: "0.png") }
    }

    func testHugeJPEGHeaderIsRefusedBeforeDecoding() throws {
        var jpeg = rgb.jpegData()
        // Patch the frame header (SOF0: FF C0, length, precision, height, width) to 30000 x 30000.
        let sof = try XCTUnwrap((0 ..< jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        for offset in [sof + 5, sof + 7] {
            jpeg[offset] = UInt8(30000 >> 8)
            jpeg[offset + 1] = UInt8(30000 & 0xff)
        }
        assertDataError(.imageTooLarge, ["big.jpg: JPEG header says 30000x30000 pixels"]) {
            try ImageFile.decode(jpeg, source: "big.jpg")
        }
    }
}
