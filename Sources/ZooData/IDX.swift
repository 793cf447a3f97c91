// The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// number 0x00 0x00 TYPE NDIMS, NDIMS big-endian 32-bit sizes, then the data in row-major
// order. Only type 0x08 (unsigned byte) is used by MNIST-like datasets, so only it is read.
// The input is untrusted: every size is checked, products cannot overflow, nothing traps.

import ZooFiles

/// The contents of an unsigned-byte IDX file: its dimensions and its data, row-major,
/// without the header (e.g. dims [60000, 28, 28] and 47,040,000 bytes).
public struct IDXFile: Sendable, Equatable {
    public var dims: [Int]
    public var bytes: [UInt8]

    public init(dims: [Int], bytes: [UInt8]) {
        self.dims = dims
        self.bytes = bytes
    }
}

public enum IDX {
    /// The type code of unsigned bytes, the only one read here.
    public static let unsignedByte: UInt8 = 0x08
    /// 1 to 4 dimensions: labels (1), images (3), and room for a channel axis.
    public static let dimensionRange = 1...4

    static let typeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer",
        0x0C: "32-bit integer", 0x0D: "32-bit float", 0x0E: "64-bit float",
    ]

    /// Reads an IDX file, gzip-compressed or not (decided by its first bytes, not its name).
    /// `rank`, when given, is the number of dimensions the caller needs (3 for images, 1 for labels).
    public static func read(path: String, rank: Int? = nil) throws -> IDXFile {
        var bytes = try FileIO.read(path)
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(path): empty file, expected IDX data") }
        if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, source: path) }
        // `consume` hands over the only reference, so parse strips the header in place
        // instead of copying 47 MB.
        return try parse(consume bytes, source: path, rank: rank)
    }

    /// Parses the bytes of an uncompressed IDX file. `source` names it in error messages.
    /// The array is consumed and its storage reused for `IDXFile.bytes` (no second copy of 47 MB).
    public static func parse(_ data: consuming [UInt8], source: String = "IDX data", rank: Int? = nil) throws -> IDXFile {
        var data = data
        let dims = try header(data, source: source, rank: rank)
        data.removeSubrange(0 ..< 4 + 4 * dims.count)
        return IDXFile(dims: dims, bytes: data)
    }

    /// Checks the header and the total size, returning the dims.
    static func header(_ data: [UInt8], source: String, rank: Int?) throws -> [Int] {
        guard !data.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected IDX data") }
        guard data.count >= 4 else {
            throw DataError(.wrongSize, "\(source): truncated IDX header (\(data.count) bytes, need at least 4)")
        }
        let type = data[2], ndims = Int(data[3])
        let expected = rank.map { "0x000008\(hex2(UInt8($0))) (unsigned bytes, \($0) dimension\($0 == 1 ? "" : "s"))" }
            ?? "0x00000801 to 0x00000804 (unsigned bytes, 1 to 4 dimensions)"
        let found = "0x" + data[0 ..< 4].map(hex2).joined()
        if data[0] != 0 || data[1] != 0 {
            let hint = Gzip.isGzip(data) ? "; this looks like gzip data that was not inflated" : ""
            throw DataError(.badMagic, "\(source): bad magic number \(found), expected \(expected)\(hint)")
        }
        guard type == unsignedByte else {
            let name = typeNames[type].map { " (\($0))" } ?? ""
            throw DataError(.unsupportedType, "\(source): unsupported IDX type code 0x\(hex2(type))\(name) in magic number \(found); only 0x08 (unsigned byte) is supported")
        }
        guard dimensionRange.contains(ndims) else {
            throw DataError(.badMagic, "\(source): bad magic number \(found) (\(ndims) dimensions), expected \(expected)")
        }
        if let rank, rank != ndims {
            throw DataError(.badMagic, "\(source): bad magic number \(found) (\(ndims) dimension\(ndims == 1 ? "" : "s")), expected \(expected)")
        }
        let headerSize = 4 + 4 * ndims
        guard data.count >= headerSize else {
            throw DataError(.wrongSize, "\(source): truncated IDX header (\(data.count) bytes, need \(headerSize) for \(ndims) dimensions)")
        }
        var dims: [Int] = []
        var total = 1
        var overflow = false
        for d in 0 ..< ndims {
            let o = 4 + 4 * d
            let size = Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3])
            dims.append(size)
            let (product, over) = total.multipliedReportingOverflow(by: size)
            overflow = overflow || over
            total = product
        }
        if dims.contains(0) { (total, overflow) = (0, false) }
        let shape = dims.map(String.init).joined(separator: "x")
        let have = data.count - headerSize
        let needed = total
        // A product past Int.max is "more bytes than any file can have": report it as truncated.
        if overflow || needed > have {
            let declared = overflow ? "more than \(Int.max)" : "\(needed)"
            throw DataError(.wrongSize, "\(source): truncated IDX file: dims \(shape) declare \(declared) bytes of data but only \(have) follow the header")
        }
        if needed < have {
            throw DataError(.wrongSize, "\(source): \(have - needed) trailing bytes after the IDX data: dims \(shape) declare \(needed) bytes but \(have) follow the header")
        }
        return dims
    }

    /// The header bytes for unsigned-byte data of the given dims (also used to checksum a
    /// file from its parsed form without re-reading it).
    static func headerBytes(dims: [Int]) -> [UInt8] {
        var out: [UInt8] = [0, 0, unsignedByte, UInt8(truncatingIfNeeded: dims.count)]
        for d in dims {
            let v = UInt32(truncatingIfNeeded: d)
            out += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
        }
        return out
    }

    /// Encodes a file to IDX bytes; throws when the dims and the byte count disagree.
    public static func encode(_ file: IDXFile) throws -> [UInt8] {
        guard dimensionRange.contains(file.dims.count) else {
            throw DataError(.badMagic, "cannot encode IDX with \(file.dims.count) dimensions (1 to 4 allowed)")
        }
        var total = 1
        for d in file.dims {
            guard d >= 0, d <= Int(UInt32.max) else {
                throw DataError(.wrongSize, "cannot encode IDX dimension \(d): sizes are unsigned 32-bit")
            }
            let (p, over) = total.multipliedReportingOverflow(by: d)
            guard !over else { throw DataError(.wrongSize, "cannot encode IDX: dims \(file.dims) overflow") }
            total = p
        }
        guard total == file.bytes.count else {
            throw DataError(.wrongSize, "cannot encode IDX: dims \(file.dims.map(String.init).joined(separator: "x")) need \(total) bytes, got \(file.bytes.count)")
        }
        return headerBytes(dims: file.dims) + file.bytes
    }

    /// Writes a file as IDX, gzip-compressed when `gzip` is true, atomically.
    public static func write(_ file: IDXFile, to path: String, gzip: Bool = false) throws {
        let bytes = try encode(file)
        try AtomicFile.write(gzip ? Gzip.compress(bytes) : bytes, to: path, what: "IDX file")
    }
}
