import XCTest
@testable import ZooHDF5

final class DatasetRoundTripTests: TemporaryDirectoryTestCase {
    func testEveryElementTypeRoundTrips() throws {
        let file = path("types.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.root.write("f32", [1.5, -2.25, .infinity, .leastNonzeroMagnitude, 0, -0.0] as [Float], shape: [2, 3])
            try h5.root.write("f64", [Double.pi, -1e300, 42], shape: [3])
            try h5.root.write("i32", [Int32.min, -1, 0, Int32.max], shape: [4])
            try h5.root.write("i64", [Int64.min, -1, 0, Int64.max], shape: [2, 2])
            try h5.root.write("u8", Array(UInt8.min...UInt8.max), shape: [16, 16])
            try h5.root.write("u64", [UInt64.max, 0, 1 << 63], shape: [3])
            try h5.root.write("int", [Int.min, 7, Int.max], shape: [3])
            try h5.close()
        }
        let h5 = try HDF5File.open(file)
        XCTAssertFalse(h5.isWritable)
        let f32 = try h5.root.read("f32", as: Float.self)
        XCTAssertEqual(f32.shape, [2, 3])
        XCTAssertEqual(f32.values.map(\.bitPattern),
                       ([1.5, -2.25, .infinity, .leastNonzeroMagnitude, 0, -0.0] as [Float]).map(\.bitPattern))
        XCTAssertEqual(try h5.root.read("f64", as: Double.self), HDF5Array(values: [Double.pi, -1e300, 42], shape: [3]))
        XCTAssertEqual(try h5.root.read("i32", as: Int32.self).values, [Int32.min, -1, 0, Int32.max])
        XCTAssertEqual(try h5.root.read("i64", as: Int64.self), HDF5Array(values: [Int64.min, -1, 0, Int64.max], shape: [2, 2]))
        XCTAssertEqual(try h5.root.read("u8", as: UInt8.self), HDF5Array(values: Array(0...255), shape: [16, 16]))
        XCTAssertEqual(try h5.root.read("u64", as: UInt64.self).values, [UInt64.max, 0, 1 << 63])
        // Int is stored as int64 and reads back either way.
        XCTAssertEqual(try h5.root.read("int", as: Int.self).values, [Int.min, 7, Int.max])
        XCTAssertEqual(try h5.root.read("int", as: Int64.self).values, [Int64.min, 7, Int64.max])

        let dataset = try h5.root.openDataset("f32")
        XCTAssertEqual(dataset.elementType, .float32)
        XCTAssertEqual(dataset.count, 6)
        XCTAssertTrue(dataset.hasChecksum)
    }

    func testShapesIncludingScalarEmptyAndHighRank() throws {
        let h5 = try HDF5File.inMemory()
        let cube = (0..<24).map { Float($0) }
        try h5.root.write("cube", cube, shape: [2, 3, 4])
        try h5.root.write("rank5", (0..<32).map { Int64($0) }, shape: [2, 2, 2, 2, 2])
        try h5.root.write("vector", [1.0, 2.0] as [Double])
        try h5.root.write("scalar", scalar: 3.5 as Double)
        try h5.root.write("step", scalar: Int64(1234))
        try h5.root.write("empty", [Float](), shape: [0])
        try h5.root.write("empty2d", [Float](), shape: [3, 0])

        XCTAssertEqual(try h5.root.read("cube", as: Float.self), HDF5Array(values: cube, shape: [2, 3, 4]))
        XCTAssertEqual(try h5.root.read("rank5", as: Int64.self).shape, [2, 2, 2, 2, 2])
        XCTAssertEqual(try h5.root.read("vector", as: Double.self), HDF5Array(values: [1, 2], shape: [2]))
        XCTAssertEqual(try h5.root.read("scalar", as: Double.self), HDF5Array(values: [3.5], shape: []))
        XCTAssertEqual(try h5.root.read("step", as: Int64.self), HDF5Array(values: [1234], shape: []))
        XCTAssertEqual(try h5.root.read("empty", as: Float.self), HDF5Array(values: [], shape: [0]))
        XCTAssertEqual(try h5.root.read("empty2d", as: Float.self), HDF5Array(values: [], shape: [3, 0]))
        // Scalars cannot be chunked, so they carry no Fletcher-32 (their header is checksummed).
        XCTAssertFalse(try h5.root.openDataset("scalar").hasChecksum)
    }

    func testWriteOptions() throws {
        let h5 = try HDF5File.inMemory()
        let zeros = [Float](repeating: 0, count: 10_000)
        try h5.root.write("plain", zeros, shape: [100, 100], options: HDF5WriteOptions(checksum: false))
        try h5.root.write("deflated", zeros, shape: [100, 100], options: HDF5WriteOptions(deflateLevel: 6))
        // Forces several chunks of 10 rows each (4000 bytes).
        let ramp = (0..<10_000).map { Float($0) }
        try h5.root.write("chunked", ramp, shape: [100, 100], options: HDF5WriteOptions(maxChunkBytes: 4096))
        XCTAssertFalse(try h5.root.openDataset("plain").hasChecksum)
        XCTAssertTrue(try h5.root.openDataset("deflated").hasChecksum)
        XCTAssertEqual(try h5.root.read("plain", as: Float.self).values, zeros)
        XCTAssertEqual(try h5.root.read("deflated", as: Float.self).values, zeros)
        XCTAssertEqual(try h5.root.read("chunked", as: Float.self).values, ramp)
        // Ten thousand zeros deflate to almost nothing.
        XCTAssertEqual(try h5.root.openDataset("plain").storedBytes, 40_000)
        XCTAssertLessThan(try h5.root.openDataset("deflated").storedBytes, 1_000)

        let bad = expectHDF5Error { try h5.root.write("bad", zeros, shape: [10_000], options: HDF5WriteOptions(deflateLevel: 12)) }
        XCTAssertEqual(bad?.kind, .invalidArgument)
    }

    func testChunkShapes() {
        // Fits: one chunk.
        XCTAssertEqual(HDF5WriteOptions.chunkShape([784, 400], elementSize: 4, maxChunkBytes: 16 << 20), [784, 400])
        // Too big: whole rows, as many as fit.
        XCTAssertEqual(HDF5WriteOptions.chunkShape([1000, 1000], elementSize: 4, maxChunkBytes: 400_000), [100, 1000])
        // A single row too big: split the trailing dimension too.
        XCTAssertEqual(HDF5WriteOptions.chunkShape([10, 1000], elementSize: 4, maxChunkBytes: 400), [1, 100])
    }

    func testReadIntoBufferAndWriteFromBuffer() throws {
        let h5 = try HDF5File.inMemory()
        let values = (0..<12).map { Float($0) * 0.5 }
        _ = try values.withUnsafeBufferPointer { try h5.root.write("w", $0, shape: [3, 4]) }
        let dataset = try h5.root.openDataset("w")
        var out = [Float](repeating: -1, count: 12)
        try out.withUnsafeMutableBufferPointer { try dataset.read(into: $0) }
        XCTAssertEqual(out, values)
        var small = [Float](repeating: 0, count: 5)
        let error = expectHDF5Error { try small.withUnsafeMutableBufferPointer { try dataset.read(into: $0) } }
        XCTAssertEqual(error?.kind, .invalidArgument)
    }
}

final class ChecksummedChunkTests: XCTestCase {
    /// Datasets up to `maxChunkBytes` are written as raw chunks with ZooHDF5's own Fletcher-32;
    /// libhdf5's filter must accept them, for every length (odd ones and around the 360-word
    /// blocks the checksum works in included).
    func testLibraryFilterAcceptsOurChecksums() throws {
        let h5 = try HDF5File.inMemory()
        let lengths = [1, 2, 3, 7, 16, 17, 719, 720, 721, 722, 1440, 5001, 100_003]
        for length in lengths {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
            try h5.root.write("u8/\(length)", bytes, shape: [length])
            try h5.root.write("max/\(length)", [UInt8](repeating: 0xff, count: length), shape: [length])
        }
        let floats = (0..<12_345).map { Float($0) * -1.25 }
        try h5.root.write("f32", floats, shape: [5, 2469])

        for length in lengths {
            for name in ["u8/\(length)", "max/\(length)"] {
                let dataset = try h5.root.openDataset(name)
                XCTAssertTrue(dataset.hasChecksum)
                let fast = try dataset.read(as: UInt8.self)
                dataset.allowsRawChunkReads = false
                XCTAssertEqual(try dataset.read(as: UInt8.self), fast, name)
            }
        }
        let dataset = try h5.root.openDataset("f32")
        dataset.allowsRawChunkReads = false
        XCTAssertEqual(try dataset.read(as: Float.self), floats)
    }

    /// The fast path must refuse a corrupted chunk just like the library does.
    func testRawReadRefusesCorruptChunk() throws {
        let values = (0..<1000).map { Float($0) + 0.25 }
        let image: [UInt8]
        do {
            let h5 = try HDF5File.inMemory()
            try h5.root.write("w", values, shape: [1000])
            image = try h5.image()
        }
        let pattern = withUnsafeBytes(of: values[500].bitPattern.littleEndian, Array.init)
        var corrupted = image
        let start = try XCTUnwrap((0...(image.count - 4)).first { image[$0..<($0 + 4)].elementsEqual(pattern) })
        corrupted[start + 1] ^= 0x01
        let h5 = try HDF5File.open(image: corrupted, name: "bad.h5")
        let dataset = try h5.root.openDataset("w")
        XCTAssertEqual(expectHDF5Error { try dataset.read(as: Float.self) }?.kind, .corrupted)
        var buffer = [Float](repeating: 0, count: 1000)
        XCTAssertEqual(expectHDF5Error { try buffer.withUnsafeMutableBufferPointer { try dataset.read(into: $0) } }?.kind,
                       .corrupted)
    }
}
