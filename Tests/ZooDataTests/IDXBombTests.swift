import Foundation
import XCTest
@testable import ZooData
@testable import ZooFiles

/// An IDX file is judged by its header before its data is read: a gzip bomb, a header that
/// promises more than the file can hold, or a huge sparse file with a wrong header fails at
/// once, without inflating, reading or allocating what it claims.
final class IDXBombTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws { dir = try makeTempDirectory(self) }

    /// `body` fails with a DataError of `kind` mentioning `parts`, in well under a second.
    private func expectFastFailure<T>(_ kind: DataError.Kind, _ parts: [String], line: UInt = #line, _ body: () throws -> T) {
        let start = Date()
        assertDataError(kind, parts, line: line, body)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "took too long", line: line)
    }

    /// A sparse file: `head`, then nothing but a hole up to `size` bytes (no disk used).
    private func sparseFile(_ name: String, head: [UInt8], size: Int) throws -> String {
        let path = "\(dir!)/\(name)"
        try writeFile(head, to: path)
        XCTAssertEqual(truncate(path, off_t(size)), 0)
        return path
    }

    private func header(_ dims: [UInt32]) -> [UInt8] {
        [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in [UInt8(d >> 24), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
    }

    /// 2 GiB of zeros in a 2 MB file: 128 copies of one gzip member of 16 MiB of zeros.
    func testGzipOfZerosFailsOnItsHeader() throws {
        let member = Gzip.compress([UInt8](repeating: 0, count: 16 << 20))
        let path = "\(dir!)/zeros.gz"
        try writeFile(Array([[UInt8]](repeating: member, count: 128).joined()), to: path)
        expectFastFailure(.unsupportedType, [path, "unsupported IDX type code 0x00"]) { try IDX.read(path: path, rank: 3) }
    }

    func testHeaderDeclaringMoreThanAGzipFileCanHold() throws {
        let path = "\(dir!)/short.gz"
        try writeFile(Gzip.compress(header([60000, 28, 28]) + [1, 2, 3]), to: path)
        expectFastFailure(.wrongSize, [path, "truncated IDX file", "dims 60000x28x28 declare 47040000 bytes", "more than a gzip file of"]) {
            try IDX.read(path: path, rank: 3)
        }
        // An overflowing product too.
        try writeFile(Gzip.compress(header([.max, .max, .max, .max])), to: path)
        expectFastFailure(.wrongSize, [path, "more than \(Int.max)"]) { try IDX.read(path: path) }
    }

    /// A header that fits its file but declares more than an IDX dataset may hold.
    func testImplausiblyLargeDeclaration() throws {
        let dims: [UInt32] = [100_000, 200, 200]  // 4 GB
        let path = try sparseFile("huge-idx3-ubyte", head: header(dims), size: 16 + 4_000_000_000)
        expectFastFailure(.wrongSize, [path, "declare 4000000000 bytes", "more than the 2147483648"]) { try IDX.read(path: path, rank: 3) }
    }

    /// An 8 GB sparse file whose header declares MNIST's size: refused from its size alone.
    func testHugeSparseFileWithAWrongHeader() throws {
        let path = try sparseFile("sparse-idx3-ubyte", head: header([60000, 28, 28]), size: 8 << 30)
        expectFastFailure(.wrongSize, [path, "trailing bytes after the IDX data", "declare 47040000 bytes"]) { try IDX.read(path: path, rank: 3) }
        let bad = try sparseFile("sparse-bad-magic", head: [0, 0, 0, 0], size: 8 << 30)
        expectFastFailure(.unsupportedType, [bad, "unsupported IDX type code 0x00"]) { try IDX.read(path: bad, rank: 3) }
    }

    /// Data followed by a bomb: the trailing bytes are counted only so far.
    func testBombAfterTheData() throws {
        let path = "\(dir!)/trailing.gz"
        let member = Gzip.compress([UInt8](repeating: 0, count: 16 << 20))
        try writeFile(Gzip.compress(header([3]) + [1, 2, 3]) + Array([[UInt8]](repeating: member, count: 64).joined()), to: path)
        expectFastFailure(.wrongSize, [path, "more than 1048576 trailing bytes", "declare 3 bytes"]) { try IDX.read(path: path, rank: 1) }
        // A few trailing bytes are counted exactly, in gzip and raw files alike.
        try writeFile(Gzip.compress(header([3]) + [1, 2, 3, 4, 5]), to: path)
        assertDataError(.wrongSize, ["2 trailing bytes", "declare 3 bytes"]) { try IDX.read(path: path, rank: 1) }
        try writeFile(header([3]) + [1, 2, 3, 4, 5], to: "\(dir!)/raw")
        assertDataError(.wrongSize, ["2 trailing bytes", "declare 3 bytes"]) { try IDX.read(path: "\(dir!)/raw", rank: 1) }
    }

    func testDamagedGzipIsNamed() throws {
        let file = IDXFile(dims: [100, 2, 2], bytes: pseudoRandomBytes(400))
        let gz = Gzip.compress(try IDX.encode(file))
        let path = "\(dir!)/cut.gz"
        try writeFile(Array(gz.dropLast(20)), to: path)
        assertDataError(.corruptGzip, [path, "gzip stream is truncated"]) { try IDX.read(path: path) }
        var corrupt = gz
        corrupt[12] ^= 0xff
        try writeFile(corrupt, to: path)
        assertDataError(.corruptGzip, [path, "corrupt gzip stream"]) { try IDX.read(path: path) }
        try writeFile(gz + [7, 7, 7], to: path)
        assertDataError(.corruptGzip, [path, "3 unexpected bytes after the end of the gzip stream"]) { try IDX.read(path: path) }
        // The header in one member, the data in the next: read as one stream.
        let encoded = try IDX.encode(file)
        try writeFile(Gzip.compress(Array(encoded.prefix(6))) + Gzip.compress(Array(encoded.dropFirst(6))), to: path)
        XCTAssertEqual(try IDX.read(path: path), file)
    }
}
