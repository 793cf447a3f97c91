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
        assertDataError(.badPNG, ["x.png", "chunk IDAT has a bad CRC"]) { try PNG.decode(png, source: "x.png") }
        var header = grayImage().pngData()
        header[20] ^= 0x01  // inside IHDR's height
        assertDataError(.badPNG, ["chunk IHDR has a bad CRC"]) { try PNG.decode(header, source: "x.png") }
    }

    func testMalformed() throws {
        let png = rgbImage().pngData()
        assertDataError(.badPNG, ["bad signature"]) { try PNG.decode(Array("GIF89a-not-a-png".utf8), source: "g") }
        assertDataError(.emptyFile, ["empty"]) { try PNG.decode([], source: "e") }
        assertDataError(.badPNG, ["truncated"]) { try PNG.decode(Array(png.dropLast(12)), source: "t") }
        assertDataError(.badPNG, ["truncated"]) { try PNG.decode(Array(png.prefix(40)), source: "t") }
        // An RGBA header (color type 6) with a correct CRC is refused by name.
        var rgba = PNG.signature
        var ihdr: [UInt8] = []
        PNG.appendBE32(&ihdr, 1); PNG.appendBE32(&ihdr, 1)
        ihdr += [8, 6, 0, 0, 0]
        PNG.appendChunk(&rgba, "IHDR", ihdr)
        assertDataError(.badPNG, ["color type 6 (RGBA) not supported"]) { try PNG.decode(rgba, source: "r") }
    }

    func testDecodesForeignChunkLayout() throws {
        // Split IDAT in two and add an ancillary tEXt chunk, as other encoders do.
        let image = rgbImage()
        let png = image.pngData()
        let idatLength = Int(png[33]) << 24 | Int(png[34]) << 16 | Int(png[35]) << 8 | Int(png[36])
        let idat = Array(png[41 ..< 41 + idatLength])
        var out = Array(png[0 ..< 33])
        PNG.appendChunk(&out, "tEXt", Array("Software\0zoo".utf8))
        PNG.appendChunk(&out, "IDAT", Array(idat[..<10]))
        PNG.appendChunk(&out, "IDAT", Array(idat[10...]))
        PNG.appendChunk(&out, "IEND", [])
        XCTAssertEqual(try PNG.decode(out), image)
    }
}
