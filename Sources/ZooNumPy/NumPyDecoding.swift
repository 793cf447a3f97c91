import Foundation
import ZooFiles

extension NumPyArray {
    /// Parses `.npy` bytes; every way they can be wrong is a one-line `DataError` naming `source`.
    public static func decode(_ bytes: [UInt8], source: String) throws -> NumPyArray {
        func fail(_ what: String) -> DataError { DataError(.badNumPy, "\(source): \(what)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail(bytes.isEmpty ? "empty file, not a NumPy .npy file" : "not a NumPy .npy file (it does not start with \\x93NUMPY)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard (1...3).contains(major) else { throw fail("NumPy format version \(major).\(bytes[7]) (zoo reads 1.0 to 3.0)") }
        guard bytes.count >= 8 + lengthBytes else { throw fail("truncated inside the header") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= bytes.count else { throw fail("truncated: the header claims \(headerLength) bytes, the file has \(bytes.count - 8 - lengthBytes)") }
        guard let text = String(bytes: bytes[(8 + lengthBytes)..<dataStart], encoding: .utf8) else { throw fail("the header is not text") }
        let header: NumPyHeader
        do { header = try NumPyHeader(parsing: text) } catch let error as NumPyHeader.ParseError {
            throw fail("unreadable header (\(error.reason)): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(120))")
        }

        let itemSize: Int
        switch header.descr {
        case "<f4", "=f4", "float32": itemSize = 4
        case "<f8", "=f8", "float64": itemSize = 8
        case "|u1", "<u1", "=u1", "u1", "uint8": itemSize = 1
        case let other where other.hasPrefix(">"):
            throw fail("big-endian data ('\(other)'); save it little-endian (array.astype('<f4'))")
        case let other:
            throw fail("dtype '\(other)'; zoo reads float32 ('<f4'), float64 ('<f8') and uint8 ('|u1')")
        }
        // The element count, checked against the file before anything is allocated.
        var count = 1
        for dimension in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow, product <= (bytes.count - dataStart) / itemSize + 1 else {
                throw fail("shape \(header.shape) needs more data than the file's \(bytes.count - dataStart) bytes")
            }
            count = product
        }
        guard bytes.count - dataStart == count * itemSize else {
            throw fail("shape \(header.shape) of '\(header.descr)' needs \(count * itemSize) data bytes, the file has \(bytes.count - dataStart)")
        }

        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let data = raw.baseAddress! + dataStart
            for i in 0..<count {
                switch itemSize {
                case 4: values[i] = Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case 8: values[i] = Float(Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                default: values[i] = Float(data.load(fromByteOffset: i, as: UInt8.self))
                }
            }
        }
        let stored = itemSize == 4 ? "<f4" : itemSize == 8 ? "<f8" : "|u1"
        let ordered = header.fortranOrder ? cOrder(fromFortran: values, shape: header.shape) : values
        return NumPyArray(shape: header.shape, values: ordered, storedType: stored)
    }

    /// Fortran order (first index fastest) rearranged into C order (last index fastest).
    static func cOrder(fromFortran values: [Float], shape: [Int]) -> [Float] {
        guard shape.count > 1, !values.isEmpty else { return values }
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var out = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<values.count {
            out[position] = values[zip(index, fortranStrides).reduce(0) { $0 + $1.0 * $1.1 }]
            // The next C-order index: the last axis moves fastest.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}
