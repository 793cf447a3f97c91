import ZooFiles

/// An array in NumPy's `.npy` format (numpy.lib.format), as float32 values in C order: what
/// `zoo sample --out x.npy` and `zoo encode --out z.npy` write and `zoo eval --images` reads.
///
/// Written as format version 1.0 with dtype `<f4`, the header padded so the data starts at a
/// multiple of 64 bytes, as NumPy's own writer does. Read: versions 1.0, 2.0 and 3.0, dtypes
/// `<f4`, `<f8` and `u1` (converted to float32, values unchanged: `storedType` tells an image's
/// 0...255 bytes from its 0...1 floats), C or Fortran order (Fortran order is transposed).
public struct NumPyArray: Sendable, Equatable {
    public let shape: [Int]
    public let values: [Float]
    /// The dtype the file stored: "<f4", "<f8" or "|u1".
    public let storedType: String

    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "NumPyArray: \(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
        self.storedType = "<f4"
    }

    init(shape: [Int], values: [Float], storedType: String) {
        self.shape = shape
        self.values = values
        self.storedType = storedType
    }

    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The file's bytes: version 1.0, little-endian float32, C order.
    public func encoded() -> [UInt8] {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(dimensions), }".utf8)
        // magic (6) + version (2) + header length (2) + header, a multiple of 64, ending in "\n".
        let unpadded = 10 + header.count + 1
        header += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        var bytes = Self.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }

    /// Writes the file atomically: a crash leaves the old file or the new one, never half of one.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path, what: "NumPy file")
    }

    /// Reads and checks a `.npy` file.
    public static func read(path: String) throws -> NumPyArray {
        try decode(FileIO.read(path), source: path)
    }
}
