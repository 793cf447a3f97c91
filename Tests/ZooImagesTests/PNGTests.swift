import Foundation
import XCTest
@testable import ZooImages
import ZooFiles

final class PNGTests: XCTestCase {
    /// A gray image with gradients, edges and noise, so every filter type gets chosen somewhere.
    func grayImage(width: Int = 37, height: Int = 23) -> PixelImage {
        let noise = pseudoRandomBytes(width * height)
        let pixels = (0 ..< width * height).map { i -> UInt8 in
            let x = i % width, y = i / width
            if y < height / 3 { return UInt8(x * 255 / max(1, width - 1)) }
            if y < 2 * height / 3 { return (x / 4 + y / 4) % 2 == 0 ? 0 : 255 }
            return noise[i]
        }
        return PixelImage(width: width, height: height, channels: 1, pixels: pixels)
    }

    func rgbImage(width: Int = 19, height: Int = 11) -> PixelImage {
        let noise = pseudoRandomBytes(width * height * 3, seed: 7)
        let pixels = (0 ..< width * height * 3).map { i -> UInt8 in
            let p = i / 3, x = p % width, y = p / width
            switch i % 3 {
            case 0: return UInt8(x * 13 & 0xff)
            case 1: return UInt8(y * 23 & 0xff)
            default: return y > height / 2 ? noise[i] : 128
            }
        }
        return PixelImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    func testRoundTripGrayAndRGB() throws {
        for image in [grayImage(), rgbImage(), PixelImage(width: 1, height: 1, channels: 1, pixels: [200]),
                      PixelImage(width: 1, height: 3, channels: 3, pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9])] {
            let png = image.pngData()
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(try PNG.decode(png), image)
        }
    }

    func testHeaderFields() throws {
        let png = PNG.encode(width: 300, height: 2, channels: 3, pixels: [UInt8](repeating: 9, count: 1800))
        // Length 13, "IHDR", width 300, height 2, depth 8, color type 2 (RGB), 0, 0, 0.
        XCTAssertEqual(Array(png[8 ..< 33]), [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 44, 0, 0, 0, 2, 8, 2, 0, 0, 0]
            + Array(png[29 ..< 33]))
        XCTAssertEqual(Array(png.suffix(12)), [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    func testWriteReadFile() throws {
        let dir = try makeTempDirectory(self)
        let image = grayImage()
        try image.writePNG(to: "\(dir)/a.png")
        XCTAssertEqual(try PNG.read(path: "\(dir)/a.png"), image)
        // Overwriting replaces the file and leaves no temporary behind.
        let rgb = rgbImage()
        try PNG.write(to: "\(dir)/a.png", width: rgb.width, height: rgb.height, channels: 3, pixels: rgb.pixels)
        XCTAssertEqual(try PNG.read(path: "\(dir)/a.png"), rgb)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.png"])
    }

    func testUnwritablePath() throws {
        let dir = try makeTempDirectory(self)
        assertDataError(.io, ["cannot write PNG to /nonexistent-dir/x.png", "No such file or directory"]) {
            try grayImage().writePNG(to: "/nonexistent-dir/x.png")
        }
        assertDataError(.io, ["cannot write PNG to \(dir)/"]) { try grayImage().writePNG(to: "\(dir)/") }
    }

    func testCRCCorruptionDetected() throws {
        var png = grayImage().pngData()
        // Flip one bit inside the IDAT data (after signature 8 + IHDR 25 + IDAT header 8).
        png[8 + 25 + 8 + 5] ^= 0x01
        // libpng inflates a chunk's data before it reaches the chunk's CRC, so zlib may be
        // the first to notice ("incorrect data check"); either way the file is refused.
        assertDataError(.badPNG, ["x.png: bad PNG", "IDAT"]) { try PNG.decode(png, source: "x.png") }
        // Intact data under a wrong CRC (IDAT's CRC is the 4 bytes before IEND's 12).
        var crc = grayImage().pngData()
        crc[crc.count - 12 - 1] ^= 0x01
        assertDataError(.badPNG, ["x.png: bad PNG", "IDAT: CRC error"]) { try PNG.decode(crc, source: "x.png") }
        var header = grayImage().pngData()
        header[23] ^= 0x01  // the low byte of IHDR's height: a plausible size, a wrong CRC
        assertDataError(.badPNG, ["x.png: bad PNG", "IHDR", "CRC error"]) { try PNG.decode(header, source: "x.png") }
    }

    func testMalformed() throws {
        let png = rgbImage().pngData()
        assertDataError(.badPNG, ["g: not a PNG file (bad signature)"]) { try PNG.decode(Array("GIF89a-not-a-png".utf8), source: "g") }
        assertDataError(.emptyFile, ["e: empty"]) { try PNG.decode([], source: "e") }
        assertDataError(.badPNG, ["t: bad PNG", "truncated"]) { try PNG.decode(Array(png.dropLast(12)), source: "t") }
        assertDataError(.badPNG, ["t: bad PNG", "truncated"]) { try PNG.decode(Array(png.prefix(40)), source: "t") }
        assertDataError(.badPNG, ["t: bad PNG", "truncated"]) { try PNG.decode(Array(png.prefix(8)), source: "t") }
    }

    func testReadErrorsNameTheFile() throws {
        let dir = try makeTempDirectory(self)
        let path = "\(dir)/cut.png"
        try Data(grayImage().pngData().dropLast(30)).write(to: URL(fileURLWithPath: path))
        assertDataError(.badPNG, ["\(path): bad PNG", "truncated"]) { try PNG.read(path: path) }
        assertDataError(.io, ["\(dir)/missing.png", "No such file"]) { try PNG.read(path: "\(dir)/missing.png") }
    }

    func testDecodesForeignChunkLayout() throws {
        // Split IDAT in two and add an ancillary tEXt chunk, as other encoders do.
        let image = rgbImage()
        let png = image.pngData()
        let chunks = pngChunks(png)
        let idat = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
        var out = PNG.signature + pngChunk("IHDR", chunks[0].data)
        out += pngChunk("tEXt", Array("Software\0zoo".utf8))
        out += pngChunk("IDAT", Array(idat[..<10]))
        out += pngChunk("IDAT", Array(idat[10...]))
        out += pngChunk("IEND", [])
        XCTAssertEqual(try PNG.decode(out), image)
    }

    func testWriterIsDeterministicWithoutTimestamps() {
        let image = rgbImage()
        XCTAssertEqual(image.pngData(), image.pngData())
        // Only the chunks the pixels need: nothing that varies from run to run (tIME, tEXt).
        let types = pngChunks(image.pngData()).map(\.type)
        XCTAssertEqual(types.first, "IHDR")
        XCTAssertEqual(types.last, "IEND")
        XCTAssertEqual(Set(types), ["IHDR", "IDAT", "IEND"])
    }
}
