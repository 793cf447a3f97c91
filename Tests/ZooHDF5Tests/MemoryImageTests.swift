import CHDF5Shim
import Foundation
import XCTest
import ZooHDF5

final class MemoryImageTests: TemporaryDirectoryTestCase {
    func testImageRoundTripsInMemoryAndOnDisk() throws {
        let values = (0..<1000).map { Float($0) / 7 }
        let image: [UInt8]
        do {
            let h5 = try HDF5File.inMemory(name: "checkpoint.h5")
            try h5.root.write("weights/w", values, shape: [10, 100])
            try h5.root.attributes.set("model", "ae")
            image = try h5.image()
        }
        XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])  // HDF5 signature

        // From memory.
        let fromMemory = try HDF5File.open(image: image, name: "checkpoint.h5")
        XCTAssertEqual(try fromMemory.root.read("weights/w", as: Float.self), HDF5Array(values: values, shape: [10, 100]))
        XCTAssertEqual(try fromMemory.root.attributes.string("model"), "ae")
        XCTAssertFalse(fromMemory.isWritable)

        // The same bytes on disk are an ordinary HDF5 file.
        let file = path("checkpoint.h5")
        try Data(image).write(to: URL(fileURLWithPath: file))
        let fromDisk = try HDF5File.open(file)
        XCTAssertEqual(try fromDisk.root.read("weights/w", as: Float.self).values, values)
    }

    func testSameContentGivesSameBytes() throws {
        func build() throws -> [UInt8] {
            let h5 = try HDF5File.inMemory()
            try h5.root.write("a/b", [1, 2, 3] as [Float], shape: [3])
            try h5.root.attributes.set("note", "x")
            return try h5.image()
        }
        XCTAssertEqual(try build(), try build())
    }

    func testSeveralInMemoryFilesAtOnce() throws {
        let first = try HDF5File.inMemory()
        let second = try HDF5File.inMemory()
        try first.root.write("x", [1] as [Int64], shape: [1])
        try second.root.write("x", [2] as [Int64], shape: [1])
        XCTAssertEqual(try first.root.read("x", as: Int64.self).values, [1])
        XCTAssertEqual(try second.root.read("x", as: Int64.self).values, [2])
    }

    /// No object header stores timestamps (flag bit 5 of a version-2 "OHDR"): the root group
    /// included, so that the same contents give the same bytes in any second they are written.
    func testNoObjectStoresTimestamps() throws {
        let h5 = try HDF5File.inMemory()
        try h5.root.write("weights/w", [1, 2, 3] as [Float], shape: [3])
        try h5.root.write("step", scalar: Int64(7))
        try h5.root.attributes.set("model", "vae")
        let bytes = try h5.image()
        let signature = Array("OHDR".utf8)
        var headers = 0
        for i in 0..<(bytes.count - 6) where Array(bytes[i..<(i + 4)]) == signature && bytes[i + 4] == 2 {
            headers += 1
            XCTAssertEqual(bytes[i + 5] & 0x20, 0, "object header at byte \(i) stores timestamps")
        }
        XCTAssertGreaterThanOrEqual(headers, 4, "root, weights, weights/w, step")
    }

    /// closeWithImage hands over the buffer the file was built in: the same bytes as a copy
    /// taken just before, whether or not a buffer kept from an earlier file is reused, and a
    /// still-open dataset only makes it fall back to copying.
    func testCloseWithImageGivesTheFileBytes() throws {
        func build(_ size: Int) throws -> HDF5File {
            let h5 = try HDF5File.inMemory(name: "built.h5", expectedSize: size % 2 == 0 ? 0 : 4 * size)
            try h5.root.write("weights/w", (0..<size).map { Float($0) }, shape: [size])
            try h5.root.write("step", scalar: Int64(size))
            try h5.root.attributes.set("model", "vae")
            return h5
        }
        // Sizes that make the buffer grow past a kept one, and shrink below it.
        for size in [10, 300_001, 2_000_000, 1_000] {
            let copied = try build(size).image()
            let taken = try build(size).closeWithImage { Array($0) }
            XCTAssertEqual(taken, copied, "size \(size)")
            let reopened = try HDF5File.open(image: taken, name: "taken.h5")
            XCTAssertEqual(try reopened.root.read("weights/w", as: Float.self).values.count, size)
            XCTAssertEqual(try reopened.root.read("step", as: Int64.self).values, [Int64(size)])
            XCTAssertEqual(try reopened.root.attributes.string("model"), "vae")
        }
        // A dataset still open keeps the library's file open: the bytes are copied instead.
        let h5 = try build(1_000)
        let open = try h5.root.openDataset("weights/w")
        let bytes = try h5.closeWithImage { Array($0) }
        XCTAssertEqual(try HDF5File.open(image: bytes).root.read("step", as: Int64.self).values, [1_000])
        XCTAssertEqual(open.shape, [1_000])
        XCTAssertEqual(expectHDF5Error { try h5.root.write("more", [1] as [Float], shape: [1]) }?.kind, .notWritable)
        XCTAssertEqual(expectHDF5Error { try h5.closeWithImage { _ in } }?.kind, .notWritable)
    }

    func testFletcher32CopyMatchesFletcher32() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 2, 3, 719, 720, 721, 1440, 4097, 100_003] {
            let source = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var copy = [UInt8](repeating: 0, count: size)
            let copied = copy.withUnsafeMutableBytes { zoo_fletcher32_copy($0.baseAddress, source, size) }
            XCTAssertEqual(copied, zoo_fletcher32(source, size), "size \(size)")
            XCTAssertEqual(copy, source, "size \(size)")
        }
    }

    func testBadImages() {
        XCTAssertEqual(expectHDF5Error { try HDF5File.open(image: [], name: "empty") }?.kind, .notHDF5)
        let text = expectHDF5Error { try HDF5File.open(image: Array("hello".utf8), name: "text") }
        XCTAssertEqual(text?.kind, .notHDF5, String(describing: text))
    }
}
