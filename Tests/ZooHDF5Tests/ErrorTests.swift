import Foundation
import XCTest
import ZooHDF5

final class ErrorTests: TemporaryDirectoryTestCase {
    /// A small but real checkpoint-like file: some float weights, an int64 step, attributes.
    private func writeSampleFile(_ file: String) throws {
        let h5 = try HDF5File.create(file)
        try h5.root.write("weights/encoder.0.weight", (0..<4000).map { Float($0) }, shape: [40, 100])
        try h5.root.write("weights/encoder.0.bias", [Float](repeating: 0.5, count: 40), shape: [40])
        try h5.root.write("optimizer/step", scalar: Int64(42))
        try h5.root.attributes.set("model", "vae")
        try h5.close()
    }

    func testMissingFile() {
        let file = path("missing.h5")
        let error = expectHDF5Error { try HDF5File.open(file) }
        XCTAssertEqual(error?.kind, .fileNotFound)
        XCTAssertEqual(error?.description, "\(file): no such file")
        XCTAssertEqual(expectHDF5Error { try HDF5File.open(directory.path) }?.kind, .cannotOpenFile)
        let noDirectory = expectHDF5Error { try HDF5File.create(path("no/such/dir/x.h5")) }
        XCTAssertEqual(noDirectory?.kind, .cannotOpenFile)
        XCTAssertEqual(noDirectory?.description,
                       "\(path("no/such/dir/x.h5")): cannot create file: No such file or directory")
    }

    func testNotAnHDF5File() throws {
        let file = path("notes.h5")
        try Data("these are not the weights you are looking for\n".utf8).write(to: URL(fileURLWithPath: file))
        let error = expectHDF5Error { try HDF5File.open(file) }
        XCTAssertEqual(error?.kind, .notHDF5)
        XCTAssertEqual(error?.description, "\(file): not an HDF5 file")
        try Data().write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(expectHDF5Error { try HDF5File.open(file) }?.kind, .notHDF5)
    }

    func testTruncatedFile() throws {
        let original = path("full.h5")
        try writeSampleFile(original)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: original))
        // Cut inside the signature, inside the superblock, and at several points after it.
        for length in [0, 5, 8, 30, 100, 1000, bytes.count / 2, bytes.count - 100, bytes.count - 1] {
            let file = path("cut-\(length).h5")
            try bytes.prefix(length).write(to: URL(fileURLWithPath: file))
            let error = expectHDF5Error {
                // Opening may succeed when only data at the end is missing; reading must not.
                let h5 = try HDF5File.open(file)
                _ = try h5.root.read("weights/encoder.0.weight", as: Float.self)
                _ = try h5.root.read("weights/encoder.0.bias", as: Float.self)
                _ = try h5.root.read("optimizer/step", as: Int64.self)
            }
            if length < 8 {  // not even the signature
                XCTAssertEqual(error?.kind, .notHDF5, "cut at \(length)")
            } else {
                XCTAssertEqual(error?.kind, .truncated, "cut at \(length): \(String(describing: error))")
            }
            XCTAssertTrue(error?.description.hasPrefix(file + ": ") ?? false)
        }
        // The untouched file still reads.
        XCTAssertEqual(try HDF5File.open(original).root.read("optimizer/step", as: Int64.self).values, [42])
    }

    func testFlippedByteInDataIsCaughtByFletcher32() throws {
        let file = path("corrupt.h5")
        try writeSampleFile(file)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        // The weight's elements 1000..<1004 as stored (little-endian float32): a unique pattern.
        let pattern = (1000..<1004).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
        let offset = try XCTUnwrap(firstIndex(of: pattern, in: bytes), "weight data not found in file")
        bytes[offset + 5] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: file))

        let h5 = try HDF5File.open(file)
        let error = expectHDF5Error { try h5.root.read("weights/encoder.0.weight", as: Float.self) }
        XCTAssertEqual(error?.kind, .corrupted)
        XCTAssertEqual(error?.description, "\(file): /weights/encoder.0.weight: checksum mismatch (data corrupted)")
        // The damage stays local: other datasets still read.
        XCTAssertEqual(try h5.root.read("weights/encoder.0.bias", as: Float.self).values.count, 40)

        // The same from an in-memory image.
        let fromImage = try HDF5File.open(image: bytes, name: "corrupt image")
        XCTAssertEqual(expectHDF5Error { try fromImage.root.read("weights/encoder.0.weight", as: Float.self) }?.kind,
                       .corrupted)
    }

    func testFlippedByteInMetadataIsCaught() throws {
        let file = path("header.h5")
        try writeSampleFile(file)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[20] ^= 0x01  // inside the superblock, which the file format checksums
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let error = expectHDF5Error { try HDF5File.open(file) }
        XCTAssertEqual(error?.kind, .corrupted, String(describing: error))
    }

    func testTypeMismatchAndMissingDataset() throws {
        let file = path("types.h5")
        try writeSampleFile(file)
        let h5 = try HDF5File.open(file)
        let mismatch = expectHDF5Error { try h5.root.read("optimizer/step", as: Float.self) }
        XCTAssertEqual(mismatch?.kind, .typeMismatch)
        XCTAssertEqual(mismatch?.description, "\(file): /optimizer/step: type mismatch: expected float32, found int64")
        XCTAssertEqual(expectHDF5Error { try h5.root.read("weights/encoder.0.bias", as: Double.self) }?.kind, .typeMismatch)

        let missing = expectHDF5Error { try h5.root.read("weights/decoder.0.weight", as: Float.self) }
        XCTAssertEqual(missing?.kind, .notFound)
        XCTAssertEqual(missing?.description, "\(file): /weights/decoder.0.weight: no such dataset")
        XCTAssertEqual(expectHDF5Error { try h5.root.read("no/such/group/w", as: Float.self) }?.kind, .notFound)
    }

    func testBadArgumentsAndReadOnly() throws {
        let h5 = try HDF5File.inMemory(name: "mem.h5")
        let wrongCount = expectHDF5Error { try h5.root.write("w", [1, 2, 3] as [Float], shape: [2, 2]) }
        XCTAssertEqual(wrongCount?.kind, .invalidArgument)
        XCTAssertEqual(wrongCount?.description, "mem.h5: /w: shape [2, 2] needs 4 values, got 3")
        XCTAssertEqual(expectHDF5Error { try h5.root.write("w", [Float](), shape: [-1]) }?.kind, .invalidArgument)
        XCTAssertEqual(expectHDF5Error { try h5.root.write("w", [Float](), shape: [Int.max, 4]) }?.kind,
                       .invalidArgument)
        XCTAssertFalse(try h5.root.exists("w"))
        XCTAssertEqual(expectHDF5Error { try h5.root.write("", [1] as [Float], shape: [1]) }?.kind, .invalidArgument)
        XCTAssertEqual(expectHDF5Error { try h5.root.createGroup("/") }?.kind, .invalidArgument)
        try h5.root.write("d", [1] as [Float], shape: [1])
        let belowDataset = expectHDF5Error { try h5.root.write("d/x", [1] as [Float], shape: [1]) }
        XCTAssertEqual(belowDataset?.description, "mem.h5: /d: is not a group")

        let file = path("ro.h5")
        try writeSampleFile(file)
        let readOnly = try HDF5File.open(file)
        XCTAssertEqual(expectHDF5Error { try readOnly.root.write("x", [1] as [Float], shape: [1]) }?.kind, .notWritable)
        XCTAssertEqual(expectHDF5Error { try readOnly.root.createGroup("g") }?.kind, .notWritable)
    }

    func testCloseIsIdempotentAndFileReopens() throws {
        let file = path("close.h5")
        let h5 = try HDF5File.create(file)
        try h5.root.write("x", [1, 2] as [Int64], shape: [2])
        try h5.close()
        try h5.close()
        XCTAssertEqual(expectHDF5Error { try h5.root.write("y", [1] as [Int64], shape: [1]) }?.kind, .notWritable)
        XCTAssertEqual(try HDF5File.open(file).root.read("x", as: Int64.self).values, [1, 2])
    }

    private func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard pattern.count <= bytes.count else { return nil }
        return (0...(bytes.count - pattern.count)).first { start in
            bytes[start..<(start + pattern.count)].elementsEqual(pattern)
        }
    }
}
