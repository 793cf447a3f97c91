import Foundation

/// Writes NumPy .npy files (format 1.0): the magic, a Python dict literal header padded with
/// spaces to a multiple of 64 bytes, then the little-endian data, row-major.
enum NPYFile {
    static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        try write(descriptor: "<f4", shape: shape, data: values.withUnsafeBytes { Data($0) }, to: url)
    }

    static func write(_ values: [Int64], shape: [Int], to url: URL) throws {
        try write(descriptor: "<i8", shape: shape, data: values.withUnsafeBytes { Data($0) }, to: url)
    }

    private static func write(descriptor: String, shape: [Int], data: Data, to url: URL) throws {
        precondition(UInt32(1).littleEndian == 1, "the .npy writer assumes a little-endian machine")
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(dimensions), }"
        let prefix = 10  // magic (6), version (2), header length (2)
        let padded = (prefix + header.utf8.count + 1 + 63) / 64 * 64
        header += String(repeating: " ", count: padded - prefix - header.utf8.count - 1) + "\n"
        var file = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        file.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        file.append(contentsOf: Array(header.utf8))
        file.append(data)
        try file.write(to: url)
    }
}
