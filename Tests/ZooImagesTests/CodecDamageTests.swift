import XCTest
@testable import ZooFiles
@testable import ZooImages

/// Damaged files are errors, never crashes and, for PNG (whose chunks carry CRCs), never
/// pictures: every prefix of a file, and many randomly corrupted copies.
final class CodecDamageTests: XCTestCase {
    func samplePNGs() throws -> [[UInt8]] {
        let rgb = PixelImage(width: 21, height: 13, channels: 3, pixels: pseudoRandomBytes(21 * 13 * 3))
        let palette = try PNG.encode(samples: pseudoRandomBytes(11 * 9, seed: 2).map { $0 % 16 }, width: 11, height: 9,
                                     layout: PNGLayout(colorType: .palette, bitDepth: 8, interlaced: true,
                                                       palette: pseudoRandomBytes(48, seed: 3), transparency: [0, 128, 255]))
        return [rgb.pngData(), palette]
    }

    func sampleJPEGs() -> [[UInt8]] {
        [1, 3].map { channels in
            PixelImage(width: 24, height: 16, channels: channels, pixels: pseudoRandomBytes(24 * 16 * channels, seed: 4)).jpegData()
        }
    }

    func testEveryPrefixIsAnError() throws {
        for file in try samplePNGs() + sampleJPEGs() {
            XCTAssertNoThrow(try ImageFile.decode(file))
            for length in 0 ..< file.count {
                XCTAssertThrowsError(try ImageFile.decode(Array(file.prefix(length)), source: "cut")) { error in
                    XCTAssertTrue(error is DataError, "\(error)")
                }
            }
        }
    }

    func testCorruptedPNGsAreRefusedAndJPEGsNeverCrash() throws {
        var random = pseudoRandomBytes(4 * 3000, seed: 99).makeIterator()
        func next() -> Int { Int(random.next()!) << 8 | Int(random.next()!) }
        for file in try samplePNGs() {
            for trial in 0 ..< 1000 {
                var copy = file
                copy[8 + next() % (copy.count - 8)] ^= UInt8(1 + trial % 255)  // past the signature
                XCTAssertThrowsError(try PNG.decode(copy, source: "damaged.png"), "trial \(trial)")
            }
        }
        // JPEG data has no checksums: a flipped coefficient bit decodes, unnoticed, to other
        // pixels. What matters is that nothing crashes and errors stay DataErrors.
        for file in sampleJPEGs() {
            for trial in 0 ..< 500 {
                var copy = file
                copy[3 + next() % (copy.count - 3)] ^= UInt8(1 + trial % 255)
                do { _ = try JPEG.decode(copy, source: "damaged.jpg") } catch { XCTAssertTrue(error is DataError) }
            }
        }
    }

    func testDamagedAncillaryChunkIsAnError() throws {
        // A tRNS chunk with a wrong CRC: libpng would drop it and show the palette opaque.
        let png = try PNG.encode(samples: [0, 1], width: 2, height: 1,
                                 layout: PNGLayout(colorType: .palette, bitDepth: 8, palette: [9, 9, 9, 200, 200, 200],
                                                   transparency: [0, 255]))
        let chunks = pngChunks(png)
        let at = try XCTUnwrap(chunks.firstIndex { $0.type == "tRNS" })
        var damaged = PNG.signature
        for (i, chunk) in chunks.enumerated() {
            var bytes = pngChunk(chunk.type, chunk.data)
            if i == at { bytes[bytes.count - 1] ^= 0xFF }
            damaged += bytes
        }
        assertDataError(.badPNG, ["t.png: bad PNG: tRNS: CRC error"]) { try PNG.decode(damaged, source: "t.png") }
    }
}
