import Foundation
import XCTest
@testable import ZooFiles
@testable import ZooImages

final class JPEGTests: XCTestCase {
    /// Smooth content, which JPEG keeps well.
    func gradient(width: Int = 48, height: Int = 32, channels: Int) -> PixelImage {
        var pixels: [UInt8] = []
        for y in 0 ..< height {
            for x in 0 ..< width {
                let values = [x * 255 / (width - 1), y * 255 / (height - 1), (x + y) * 255 / (width + height - 2)]
                pixels += values.prefix(channels).map { UInt8($0) }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    func maxDifference(_ a: PixelImage, _ b: PixelImage) -> Int {
        zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    func testGrayAndRGBRoundTrip() throws {
        for channels in [1, 3] {
            let image = gradient(channels: channels)
            let jpeg = image.jpegData(quality: 95)
            XCTAssertEqual(Array(jpeg.prefix(3)), [0xFF, 0xD8, 0xFF])
            let back = try JPEG.decode(jpeg)
            XCTAssertEqual([back.width, back.height, back.channels], [48, 32, channels])
            XCTAssertLessThanOrEqual(maxDifference(image, back), 8, "channels \(channels)")
            XCTAssertEqual(try ImageFile.decode(jpeg), back, "sniffed as JPEG")
            XCTAssertEqual(image.jpegData(quality: 95), jpeg, "deterministic")
        }
    }

    func testTruncatedAndCorruptJPEGAreErrors() throws {
        let jpeg = gradient(width: 64, height: 64, channels: 3).jpegData(quality: 90)
        // Cut in the entropy-coded data: libjpeg would warn and fill the rest with gray.
        assertDataError(.badJPEG, ["cut.jpg: bad JPEG", "Premature end of JPEG file"]) {
            try JPEG.decode(Array(jpeg.prefix(jpeg.count / 2)), source: "cut.jpg")
        }
        // Only the final EOI missing is the same warning.
        assertDataError(.badJPEG, ["Premature end"]) { try ImageFile.decode(Array(jpeg.dropLast(2)), source: "x.jpg") }
        // Cut inside the header.
        assertDataError(.badJPEG, ["x.jpg: bad JPEG"]) { try ImageFile.decode(Array(jpeg.prefix(20)), source: "x.jpg") }
        // A marker that has no business in the scan data.
        var corrupt = jpeg
        let scan = try XCTUnwrap(startOfScanData(jpeg))
        corrupt[scan + 40] = 0xFF
        corrupt[scan + 41] = 0xD3
        assertDataError(.badJPEG, ["bad.jpg: bad JPEG", "Corrupt JPEG data"]) { try JPEG.decode(corrupt, source: "bad.jpg") }
        assertDataError(.badJPEG, ["not a JPEG"]) { try JPEG.decode(Array("hello".utf8), source: "h") }
    }

    func testCMYKConvertsToRGB() throws {
        // libjpeg writes CMYK with an Adobe marker and the samples as given, which by Adobe's
        // convention are inverted (255 = no ink): R = C' * K' / 255.
        let cmyk = [UInt8](repeating: 0, count: 16 * 16 * 4).enumerated().map { i, _ in [200, 100, 255, 255][i % 4] as UInt8 }
        let jpeg = try JPEG.encode(samples: cmyk, width: 16, height: 16, components: 4, quality: 100)
        let image = try JPEG.decode(jpeg)
        XCTAssertEqual(image.channels, 3)
        for (value, expected) in zip(image.pixels.prefix(3), [200, 100, 255]) {
            XCTAssertLessThanOrEqual(abs(Int(value) - expected), 2)
        }
    }

    /// The offset of the first byte after the SOS segment.
    func startOfScanData(_ jpeg: [UInt8]) -> Int? {
        var i = 2
        while i + 4 < jpeg.count, jpeg[i] == 0xFF {
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if jpeg[i + 1] == 0xDA { return i + 2 + length }
            i += 2 + length
        }
        return nil
    }
}
