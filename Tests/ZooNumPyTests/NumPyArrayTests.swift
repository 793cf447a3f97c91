import Foundation
import XCTest
import ZooFiles
@testable import ZooNumPy

/// NumPy's .npy format: bytes as NumPy writes them, every variant NumPy writes read back, and
/// every damaged file a one-line error.
final class NumPyArrayTests: XCTestCase {
    /// What `np.save` writes for np.arange(12, dtype='<f4').reshape(2, 1, 2, 3): the header,
    /// padded with spaces to 128 bytes, then the little-endian floats.
    static let numpyHeader = "\u{93}NUMPY\u{01}\u{00}v\u{00}{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2, 3), }"

    func testWritesTheBytesNumPyWrites() {
        let array = NumPyArray(shape: [2, 1, 2, 3], values: (0..<12).map(Float.init))
        let bytes = array.encoded()
        let header = Array(Self.numpyHeader.unicodeScalars.map { UInt8($0.value) })
        XCTAssertEqual(Array(bytes[0..<header.count]), header)
        XCTAssertEqual(Array(bytes[header.count..<127]), [UInt8](repeating: 0x20, count: 127 - header.count))
        XCTAssertEqual(bytes[127], 0x0A)
        XCTAssertEqual(bytes.count, 128 + 48)  // np.save's file is 176 bytes
        XCTAssertEqual(Array(bytes[(128 + 4)..<(128 + 8)]), [0, 0, 0x80, 0x3F])  // 1.0f
        // Headers end on a multiple of 64 for every shape, as NumPy aligns them.
        for shape in [[], [5], [10_000, 3, 64, 64], [1, 1, 1, 1, 1, 1, 1]] {
            let b = NumPyArray(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *))).encoded()
            XCTAssertEqual((10 + Int(b[8]) + Int(b[9]) << 8) % 64, 0, "\(shape)")
        }
    }

    func testRoundTripThroughAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for shape in [[3, 1, 28, 28], [7], [], [0, 4]] {
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.37 - 5 }
            let path = folder.appendingPathComponent("a.npy").path
            try NumPyArray(shape: shape, values: values).write(to: path)
            let read = try NumPyArray.read(path: path)
            XCTAssertEqual(read.shape, shape)
            XCTAssertEqual(read.values, values)
            XCTAssertEqual(read.storedType, "<f4")
        }
    }

    /// np.lib.format.write_array(f, np.asfortranarray(np.arange(6., dtype='<f8').reshape(2, 3)), version=(2, 0)).
    func testReadsVersionTwoFloat64InFortranOrder() throws {
        let header = "\u{93}NUMPY\u{02}\u{00}t\u{00}\u{00}\u{00}{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"
        var bytes = Array(header.unicodeScalars.map { UInt8($0.value) })
        bytes += [UInt8](repeating: 0x20, count: 128 - 1 - bytes.count) + [0x0A]
        for value in [0.0, 3, 1, 4, 2, 5] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        let array = try NumPyArray.decode(bytes, source: "f.npy")
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.values, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(array.storedType, "<f8")
    }

    /// np.save(f, np.array([[0, 128, 255]], dtype=np.uint8)): values kept, the type reported.
    func testReadsUInt8() throws {
        let header = "\u{93}NUMPY\u{01}\u{00}v\u{00}{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3), }"
        var bytes = Array(header.unicodeScalars.map { UInt8($0.value) })
        bytes += [UInt8](repeating: 0x20, count: 127 - bytes.count) + [0x0A, 0, 128, 255]
        let array = try NumPyArray.decode(bytes, source: "u.npy")
        XCTAssertEqual(array.values, [0, 128, 255])
        XCTAssertEqual(array.storedType, "|u1")
    }

    func testHeadersInAnyOrderAndSpacing() throws {
        for dict in ["{'shape':(2,),'fortran_order':False,'descr':'<f4'}", "{ \"descr\" : \"<f4\" , 'shape' : ( 2 , ) , 'fortran_order' : False , }"] {
            let body = Array(dict.utf8) + [0x0A]
            let bytes = NumPyArray.magic + [1, 0, UInt8(body.count), 0] + body + [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
            XCTAssertEqual(try NumPyArray.decode(bytes, source: "h.npy").values, [1, 2], dict)
        }
    }

    func testDamagedFilesAreOneLineErrors() throws {
        let good = NumPyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]).encoded()
        // Cut at every byte: never a crash, always a message naming the file.
        for length in 0..<good.count {
            XCTAssertThrowsError(try NumPyArray.decode(Array(good[..<length]), source: "cut.npy"), "\(length)") { error in
                XCTAssertEqual((error as? DataError)?.kind, .badNumPy, "\(length): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("cut.npy: "), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
        XCTAssertThrowsError(try NumPyArray.decode(good + [0], source: "long.npy")) { XCTAssertTrue("\($0)".contains("needs 24 data bytes, the file has 25"), "\($0)") }
        // The good file's header with one change, and its data.
        func variant(_ from: String, _ to: String) -> [UInt8] {
            let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
            precondition(dict.contains(from))
            let header = Array(dict.replacingOccurrences(of: from, with: to).utf8) + [0x0A]
            return NumPyArray.magic + [1, 0, UInt8(header.count), 0] + header + good.suffix(24)
        }
        let cases: [([UInt8], String)] = [
            (Array("PK\u{03}\u{04}zipfile".utf8), "not a NumPy .npy file"),
            ([], "empty file"),
            (variant("'<f4'", "'>f4'"), "big-endian"),
            (variant("'<f4'", "'<i8'"), "dtype '<i8'"),
            (variant("(2, 3)", "(2, x)"), "unreadable header"),
            (variant("(2, 3)", "(9223372036854775807, 9)"), "needs more data than the file's"),
            (variant("(2, 3)", "(4, 3)"), "needs more data than the file's"),
            (variant("'shape'", "'shap' "), "no 'shape' tuple"),
            (variant("False", "Maybe"), "unexpected 'Maybe'"),
        ]
        for (bytes, message) in cases {
            XCTAssertThrowsError(try NumPyArray.decode(bytes, source: "bad.npy"), message) { error in
                XCTAssertTrue("\(error)".hasPrefix("bad.npy: ") && "\(error)".contains(message), "\(message): \(error)")
            }
        }
        var version9 = good
        version9[6] = 9
        XCTAssertThrowsError(try NumPyArray.decode(version9, source: "v.npy")) { XCTAssertTrue("\($0)".contains("version 9.0"), "\($0)") }
        XCTAssertThrowsError(try NumPyArray.read(path: "/nonexistent/x.npy"))
    }
}
