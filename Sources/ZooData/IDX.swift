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

    /// The most data bytes an IDX file may declare: far more than MNIST-like data (MNIST's
    /// training images are 47 MB), far less than would exhaust memory before anything is read.
    public static let maximumDataBytes = 1 << 31
    /// Deflate never shrinks data more than 1032 to 1, so a gzip file cannot hold more than
    /// this many times its own size.
    static let maximumGzipRatio = 1032

    /// Reads an IDX file, gzip-compressed or not (decided by its first bytes, not its name).
    /// `rank`, when given, is the number of dimensions the caller needs (3 for images, 1 for labels).
    ///
    /// The header is read and checked first: a magic number that is not IDX fails after 4
    /// bytes, and the data a header declares is read (and allocated) only when the file can
    /// hold it, so a gzip bomb or a huge sparse file is refused before it is read.
    public static func read(path: String, rank: Int? = nil) throws -> IDXFile {
        let file = try FileStream(path: path)
        let magic = try file.read(upTo: 4)
        let ndims = try checkMagic(magic, source: path, rank: rank)
        let sizes = try file.read(upTo: 4 * ndims)
        let headerSize = 4 + 4 * ndims
        guard sizes.count == 4 * ndims else {
            throw DataError(.wrongSize, "\(path): truncated IDX header (\(4 + sizes.count) bytes, need \(headerSize) for \(ndims) dimensions)")
        }
        let dims = decodeDims(sizes)
        if file.isGzip {
            // What follows the header is unknown until inflated; what the file could hold is not.
            let capacity = file.fileSize.multipliedReportingOverflow(by: maximumGzipRatio).partialValue - headerSize
            if let declared = declaredBytes(dims), declared <= capacity {
                try checkPlausible(dims, declared: declared, source: path)
            } else {
                throw DataError(.wrongSize, "\(path): truncated IDX file: dims \(shape(dims)) declare \(describeDeclared(dims)) bytes of data, more than a gzip file of \(file.fileSize) bytes can hold")
            }
        } else {
            try checkSize(dims, have: file.fileSize - headerSize, source: path)
        }
        let declared = declaredBytes(dims)!
        let data = try file.read(upTo: declared)
        if data.count < declared {
            throw DataError(.wrongSize, "\(path): truncated IDX file: dims \(shape(dims)) declare \(declared) bytes of data but only \(data.count) follow the header")
        }
        // Trailing bytes are counted only so far: a bomb after the data is not inflated whole.
        let limit = 1 << 20
        let trailing = try file.remainingCount(limit: limit)
        if trailing > 0 {
            let count = trailing > limit ? "more than \(limit)" : "\(trailing)"
            throw DataError(.wrongSize, "\(path): \(count) trailing bytes after the IDX data: dims \(shape(dims)) declare \(declared) bytes")
        }
        return IDXFile(dims: dims, bytes: data)
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
        let ndims = try checkMagic(Array(data.prefix(4)), source: source, rank: rank)
        let headerSize = 4 + 4 * ndims
        guard data.count >= headerSize else {
            throw DataError(.wrongSize, "\(source): truncated IDX header (\(data.count) bytes, need \(headerSize) for \(ndims) dimensions)")
        }
        let dims = decodeDims(Array(data[4 ..< headerSize]))
        try checkSize(dims, have: data.count - headerSize, source: source)
        return dims
    }

    /// Checks the 4-byte magic number (type and dimension count), returning the dimension count.
    static func checkMagic(_ magic: [UInt8], source: String, rank: Int?) throws -> Int {
        guard !magic.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected IDX data") }
        guard magic.count >= 4 else {
            throw DataError(.wrongSize, "\(source): truncated IDX header (\(magic.count) bytes, need at least 4)")
        }
        let type = magic[2], ndims = Int(magic[3])
        let expected = rank.map { "0x000008\(hex2(UInt8($0))) (unsigned bytes, \($0) dimension\($0 == 1 ? "" : "s"))" }
            ?? "0x00000801 to 0x00000804 (unsigned bytes, 1 to 4 dimensions)"
        let found = "0x" + magic[0 ..< 4].map(hex2).joined()
        if magic[0] != 0 || magic[1] != 0 {
            let hint = Gzip.isGzip(magic) ? "; this looks like gzip data that was not inflated" : ""
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
        return ndims
    }

    /// The big-endian 32-bit sizes that follow the magic number.
    static func decodeDims(_ bytes: [UInt8]) -> [Int] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { o in
            Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
        }
    }

    /// The data bytes `dims` declare; nil when their product overflows an Int (a zero
    /// dimension makes it 0 whatever the others are).
    static func declaredBytes(_ dims: [Int]) -> Int? {
        if dims.contains(0) { return 0 }
        var total = 1
        for size in dims {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }

    private static func shape(_ dims: [Int]) -> String { dims.map(String.init).joined(separator: "x") }

    private static func describeDeclared(_ dims: [Int]) -> String {
        declaredBytes(dims).map(String.init) ?? "more than \(Int.max)"
    }

    /// Checks that `have` bytes after the header are exactly what `dims` declare, and no more
    /// than an IDX file may hold.
    static func checkSize(_ dims: [Int], have: Int, source: String) throws {
        // A product past Int.max is "more bytes than any file can have": report it as truncated.
        guard let needed = declaredBytes(dims), needed <= have else {
            throw DataError(.wrongSize, "\(source): truncated IDX file: dims \(shape(dims)) declare \(describeDeclared(dims)) bytes of data but only \(have) follow the header")
        }
        if needed < have {
            throw DataError(.wrongSize, "\(source): \(have - needed) trailing bytes after the IDX data: dims \(shape(dims)) declare \(needed) bytes but \(have) follow the header")
        }
        try checkPlausible(dims, declared: needed, source: source)
    }

    /// Refuses more data than `maximumDataBytes`.
    static func checkPlausible(_ dims: [Int], declared: Int, source: String) throws {
        guard declared <= maximumDataBytes else {
            throw DataError(.wrongSize, "\(source): dims \(shape(dims)) declare \(declared) bytes of data, more than the \(maximumDataBytes) an IDX dataset may have")
        }
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
