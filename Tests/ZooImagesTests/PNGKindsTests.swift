import XCTest
@testable import ZooImages

/// Every kind of PNG, written by libpng here and read back: what each becomes in 8 bits.
final class PNGKindsTests: XCTestCase {
    func encode(_ samples: [UInt8], _ width: Int, _ height: Int, _ layout: PNGLayout) throws -> [UInt8] {
        try PNG.encode(samples: samples, width: width, height: height, layout: layout)
    }

    func testGray8AndRGB8() throws {
        let gray = pseudoRandomBytes(7 * 5)
        XCTAssertEqual(try PNG.decode(encode(gray, 7, 5, PNGLayout(colorType: .gray, bitDepth: 8))),
                       PixelImage(width: 7, height: 5, channels: 1, pixels: gray))
        let rgb = pseudoRandomBytes(7 * 5 * 3, seed: 3)
        XCTAssertEqual(try PNG.decode(encode(rgb, 7, 5, PNGLayout(colorType: .rgb, bitDepth: 8))),
                       PixelImage(width: 7, height: 5, channels: 3, pixels: rgb))
    }

    func testLowBitDepthGrayScalesToFullRange() throws {
        // 1 bit: 0, 1 -> 0, 255; 2 bits: v * 85; 4 bits: v * 17. Rows are packed, first pixel high.
        let one = try PNG.decode(encode([0b1010_0000], 3, 1, PNGLayout(colorType: .gray, bitDepth: 1)))
        XCTAssertEqual(one.pixels, [255, 0, 255])
        let two = try PNG.decode(encode([0b0001_1011], 4, 1, PNGLayout(colorType: .gray, bitDepth: 2)))
        XCTAssertEqual(two.pixels, [0, 85, 170, 255])
        let four = try PNG.decode(encode([0x0F, 0x70], 3, 1, PNGLayout(colorType: .gray, bitDepth: 4)))
        XCTAssertEqual(four.pixels, [0, 255, 119])
        XCTAssertEqual(four.channels, 1)
    }

    func testSixteenBitSamplesRoundToEightBits() throws {
        // v * 257 is exactly byte v in 16 bits; 65535 * 128.6 / 255 rounds to 129 (0x8100 = 33024 -> 128.5 -> 129 half up
        // in libpng's scaling: (v * 255 + 32767) / 65535).
        let values: [UInt16] = [0, 257, 65535, 128 * 257, 33024, 32767]
        let samples = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
        let image = try PNG.decode(encode(samples, 6, 1, PNGLayout(colorType: .gray, bitDepth: 16)))
        XCTAssertEqual(image.pixels, values.map { UInt8((UInt32($0) * 255 + 32767) / 65535) })
        XCTAssertEqual(Array(image.pixels[0 ..< 4]), [0, 1, 255, 128])
        let rgb16 = try PNG.decode(encode([0xFF, 0xFF, 0x00, 0x00, 0x80, 0x80], 1, 1, PNGLayout(colorType: .rgb, bitDepth: 16)))
        XCTAssertEqual(rgb16, PixelImage(width: 1, height: 1, channels: 3, pixels: [255, 0, 128]))
    }

    func testPaletteExpandsToRGB() throws {
        let palette: [UInt8] = [10, 20, 30, 200, 100, 0, 255, 255, 255]
        let image = try PNG.decode(encode([0, 1, 2, 1], 2, 2, PNGLayout(colorType: .palette, bitDepth: 8, palette: palette)))
        XCTAssertEqual(image, PixelImage(width: 2, height: 2, channels: 3,
                                         pixels: [10, 20, 30, 200, 100, 0, 255, 255, 255, 200, 100, 0]))
        // 2-bit indices, packed.
        let packed = try PNG.decode(encode([0b0001_1000], 3, 1, PNGLayout(colorType: .palette, bitDepth: 2, palette: palette)))
        XCTAssertEqual(packed.pixels, [10, 20, 30, 200, 100, 0, 255, 255, 255])
    }

    func testAlphaIsCompositedOverBlack() throws {
        // RGBA: opaque, transparent, half.
        let rgba: [UInt8] = [200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 50, 128]
        let rgb = try PNG.decode(encode(rgba, 3, 1, PNGLayout(colorType: .rgba, bitDepth: 8)))
        XCTAssertEqual(rgb.channels, 3)
        XCTAssertEqual(rgb.pixels, [200, 100, 50, 0, 0, 0, 100, 50, 25])  // round(v * 128 / 255)
        let grayAlpha = try PNG.decode(encode([255, 255, 255, 0, 90, 51], 3, 1, PNGLayout(colorType: .grayAlpha, bitDepth: 8)))
        XCTAssertEqual(grayAlpha, PixelImage(width: 3, height: 1, channels: 1, pixels: [255, 0, 18]))
        // A palette with a tRNS chunk.
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0]
        let trns = try PNG.decode(encode([0, 1], 2, 1, PNGLayout(colorType: .palette, bitDepth: 8, palette: palette,
                                                                 transparency: [0, 255])))
        XCTAssertEqual(trns.pixels, [0, 0, 0, 0, 255, 0])
        // 16-bit RGBA: samples scaled first, then composited.
        let deep = try PNG.decode(encode([0xFF, 0xFF, 0, 0, 0, 0, 0x80, 0x80], 1, 1, PNGLayout(colorType: .rgba, bitDepth: 16)))
        XCTAssertEqual(deep.pixels, [128, 0, 0])
    }

    func testInterlacedDecodesLikePlain() throws {
        for (colorType, channels) in [(PNGLayout.ColorType.gray, 1), (.rgb, 3)] {
            let samples = pseudoRandomBytes(13 * 11 * channels, seed: UInt64(channels))
            let plain = try PNG.decode(encode(samples, 13, 11, PNGLayout(colorType: colorType, bitDepth: 8)))
            let adam7 = try encode(samples, 13, 11, PNGLayout(colorType: colorType, bitDepth: 8, interlaced: true))
            XCTAssertEqual(adam7[28], 1, "IHDR's interlace byte")
            XCTAssertEqual(try PNG.decode(adam7), plain)
            XCTAssertEqual(plain.pixels, samples)
        }
    }
}
