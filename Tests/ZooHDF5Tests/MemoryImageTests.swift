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

    func testBadImages() {
        XCTAssertEqual(expectHDF5Error { try HDF5File.open(image: [], name: "empty") }?.kind, .notHDF5)
        let text = expectHDF5Error { try HDF5File.open(image: Array("hello".utf8), name: "text") }
        XCTAssertEqual(text?.kind, .notHDF5, String(describing: text))
    }
}
