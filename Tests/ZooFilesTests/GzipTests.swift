import XCTest
@testable import ZooFiles

final class GzipTests: XCTestCase {
    // Compressible and incompressible data, and the empty input.
    let samples: [[UInt8]] = [
        [],
        Array("hello, gzip".utf8),
        [UInt8](repeating: 7, count: 100_000),
        pseudoRandomBytes(70_000),
    ]

    func testRoundTrip() throws {
        for sample in samples {
            let gz = Gzip.compress(sample)
            XCTAssertTrue(Gzip.isGzip(gz))
            XCTAssertEqual(try Gzip.decompress(gz), sample)
            XCTAssertEqual(try Gzip.decompressIfGzip(gz), sample)
        }
    }

    func testUncompressedPassesThrough() throws {
        let raw: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 0]
        XCTAssertFalse(Gzip.isGzip(raw))
        XCTAssertEqual(try Gzip.decompressIfGzip(raw), raw)
    }

    func testConcatenatedMembers() throws {
        // `cat a.gz b.gz` is a valid gzip file holding a + b.
        let a = Array("first member ".utf8), b = [UInt8](repeating: 42, count: 5000)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)), a + b)
    }

    func testImplausibleSizeHintStillInflates() throws {
        // The size trailer is only a hint: a member far more compressible than the hint's
        // plausibility bound (all zeros) must still inflate completely, by growing the buffer.
        let zeros = [UInt8](repeating: 0, count: 3_000_000)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(zeros)), zeros)
    }

    func testNotGzip() {
        assertDataError(.notGzip, ["sample.bin", "not gzip", "expected 1f 8b"]) {
            try Gzip.decompress([0x50, 0x4b, 3, 4], source: "sample.bin")
        }
        assertDataError(.emptyFile, ["e.gz", "empty"]) { try Gzip.decompress([], source: "e.gz") }
    }

    func testTruncated() {
        let gz = Gzip.compress(pseudoRandomBytes(20_000))
        for cut in [3, 10, 100, gz.count / 2, gz.count - 9, gz.count - 3] {
            assertDataError(.corruptGzip, ["t.gz", "truncated"]) {
                try Gzip.decompress(Array(gz[..<cut]), source: "t.gz")
            }
        }
    }

    func testCorrupt() {
        var gz = Gzip.compress(Array("some text that compresses a little, some text that compresses".utf8))
        // Flip a bit in the CRC32 of the trailer: zlib reports an incorrect data check.
        gz[gz.count - 6] ^= 0x10
        assertDataError(.corruptGzip, ["c.gz", "corrupt gzip stream", "incorrect data check"]) {
            try Gzip.decompress(gz, source: "c.gz")
        }
        // An unknown compression method in the header.
        var header = Gzip.compress([1, 2, 3])
        header[2] = 7
        assertDataError(.corruptGzip, ["h.gz", "corrupt"]) { try Gzip.decompress(header, source: "h.gz") }
    }

    func testTrailingGarbage() {
        let gz = Gzip.compress([1, 2, 3]) + [0xde, 0xad]
        assertDataError(.corruptGzip, ["g.gz", "2 unexpected bytes"]) { try Gzip.decompress(gz, source: "g.gz") }
    }
}
