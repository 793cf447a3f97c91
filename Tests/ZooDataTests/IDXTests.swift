import XCTest
@testable import ZooData
import ZooFiles

final class IDXTests: XCTestCase {
    /// 3 images of 2x4 pixels with distinct values.
    let images = IDXFile(dims: [3, 2, 4], bytes: (0 ..< 24).map { UInt8($0 * 10) })
    let labels = IDXFile(dims: [3], bytes: [7, 0, 9])

    func testEncodeLayout() throws {
        let bytes = try IDX.encode(labels)
        XCTAssertEqual(bytes, [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9])
        XCTAssertEqual(Array(try IDX.encode(images).prefix(16)), [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4])
    }

    func testRoundTripRawAndGzip() throws {
        let dir = try makeTempDirectory(self)
        for file in [images, labels, IDXFile(dims: [1, 1, 1, 2], bytes: [255, 1])] {
            for gzip in [false, true] {
                let path = "\(dir)/f-\(file.dims.count)-\(gzip)"
                try IDX.write(file, to: path, gzip: gzip)
                let onDisk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                XCTAssertEqual(Gzip.isGzip(onDisk), gzip)
                XCTAssertEqual(try IDX.read(path: path), file)
                XCTAssertEqual(try IDX.read(path: path, rank: file.dims.count), file)
            }
        }
        XCTAssertEqual(try IDX.parse(IDX.encode(images)), images)
    }

    func testBadMagic() {
        assertDataError(.badMagic, ["x.idx", "bad magic number 0x89504e47", "expected 0x00000801 to 0x00000804"]) {
            try IDX.parse([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0], source: "x.idx")
        }
        // A labels file where images are wanted.
        assertDataError(.badMagic, ["labels", "bad magic number 0x00000801", "expected 0x00000803"]) {
            try IDX.parse(IDX.encode(labels), source: "labels", rank: 3)
        }
        // 0 and 5 dimensions.
        assertDataError(.badMagic, ["0x00000800"]) { try IDX.parse([0, 0, 8, 0], source: "z") }
        assertDataError(.badMagic, ["0x00000805"]) { try IDX.parse([0, 0, 8, 5] + [UInt8](repeating: 0, count: 20), source: "z") }
        // Gzip data handed to the raw parser gets a hint.
        assertDataError(.badMagic, ["gzip"]) { try IDX.parse(Gzip.compress([0, 0, 8, 1, 0, 0, 0, 0]), source: "g") }
    }

    func testUnsupportedType() {
        assertDataError(.unsupportedType, ["f.idx", "type code 0x0d", "32-bit float", "only 0x08"]) {
            try IDX.parse([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0], source: "f.idx")
        }
        assertDataError(.unsupportedType, ["0x42"]) { try IDX.parse([0, 0, 0x42, 1, 0, 0, 0, 0], source: "q") }
    }

    func testTruncated() throws {
        let full = try IDX.encode(images)
        assertDataError(.wrongSize, ["t.idx", "truncated IDX file", "3x2x4", "declare 24 bytes", "only 23"]) {
            try IDX.parse(Array(full.dropLast()), source: "t.idx")
        }
        assertDataError(.wrongSize, ["truncated IDX header"]) { try IDX.parse(Array(full.prefix(10)), source: "t.idx") }
        assertDataError(.wrongSize, ["truncated IDX header"]) { try IDX.parse([0, 0], source: "t.idx") }
    }

    func testTrailingBytes() throws {
        assertDataError(.wrongSize, ["t.idx", "2 trailing bytes", "declare 3 bytes"]) {
            try IDX.parse(IDX.encode(labels) + [1, 2], source: "t.idx")
        }
    }

    func testEmptyFile() throws {
        let dir = try makeTempDirectory(self)
        try writeFile([], to: "\(dir)/empty")
        assertDataError(.emptyFile, ["\(dir)/empty", "empty file"]) { try IDX.read(path: "\(dir)/empty") }
        // A gzip file holding nothing.
        try writeFile(Gzip.compress([]), to: "\(dir)/empty.gz")
        assertDataError(.emptyFile, ["\(dir)/empty.gz", "empty file"]) { try IDX.read(path: "\(dir)/empty.gz") }
    }

    func testHugeDimsDoNotTrapOrAllocate() {
        // 0xffffffff^4 overflows Int; 0xffffffff^2 does not but is far larger than the data.
        let ff: [UInt8] = [0xff, 0xff, 0xff, 0xff]
        assertDataError(.wrongSize, ["truncated IDX file", "more than"]) {
            try IDX.parse([0, 0, 8, 4] + ff + ff + ff + ff + [1, 2, 3], source: "h")
        }
        assertDataError(.wrongSize, ["truncated IDX file", "4294967295x4294967295"]) {
            try IDX.parse([0, 0, 8, 2] + ff + ff, source: "h")
        }
        // A zero dimension makes the product 0 even after an overflowing prefix.
        XCTAssertEqual(try IDX.parse([0, 0, 8, 3] + ff + ff + [0, 0, 0, 0], source: "h").dims, [0xffff_ffff, 0xffff_ffff, 0])
    }

    func testMissingFileAndDirectory() throws {
        let dir = try makeTempDirectory(self)
        assertDataError(.io, ["\(dir)/nope", "No such file"]) { try IDX.read(path: "\(dir)/nope") }
        assertDataError(.io, ["not a regular file"]) { try IDX.read(path: dir) }
    }

    func testEncodeRejectsMismatch() {
        assertDataError(.wrongSize, ["need 24 bytes, got 3"]) { try IDX.encode(IDXFile(dims: [3, 2, 4], bytes: [1, 2, 3])) }
        assertDataError(.badMagic, ["5 dimensions"]) { try IDX.encode(IDXFile(dims: [1, 1, 1, 1, 1], bytes: [1])) }
    }
}
