import CHDF5
import CHDF5Shim
import Foundation
import XCTest
@testable import ZooHDF5

/// A single checksummed chunk is read straight from the file's bytes into the caller's buffer
/// (pread from the sec2 driver's descriptor, or a copy from an in-memory image), and verified;
/// anything it cannot vouch for goes through the library.
final class RawChunkReadTests: TemporaryDirectoryTestCase {
    private let values = (0..<5000).map { Float($0) * 0.25 - 7 }

    private func readDirectly(_ dataset: HDF5Dataset) -> [Float]? {
        var out = [Float](repeating: .nan, count: dataset.count)
        let ok = out.withUnsafeMutableBytes { buffer in
            readSingleChecksummedChunkDirectly(dataset.handle.id, rank: dataset.shape.count, dataBytes: buffer.count,
                                               file: dataset.handle.file, into: buffer.baseAddress!)
        }
        return ok ? out : nil
    }

    func testDirectReadsFromDiskAndMemory() throws {
        let file = path("raw.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.root.write("w", values, shape: [50, 100])
            try h5.close()
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        for h5 in [try HDF5File.open(file), try HDF5File.open(image: bytes, name: "raw image")] {
            let dataset = try h5.root.openDataset("w")
            XCTAssertEqual(readDirectly(dataset), values, h5.name)
            var out = [Float](repeating: 0, count: values.count)
            try out.withUnsafeMutableBufferPointer { try dataset.read(into: $0) }
            XCTAssertEqual(out, values)
        }
        // A damaged chunk is not vouched for; the library then reports it.
        var damaged = bytes
        let needle = withUnsafeBytes(of: values[1234].bitPattern.littleEndian, Array.init)
            + withUnsafeBytes(of: values[1235].bitPattern.littleEndian, Array.init)
        let at = try XCTUnwrap((0..<(damaged.count - 8)).first { damaged[$0..<($0 + 8)].elementsEqual(needle) })
        damaged[at + 2] ^= 0x01
        try Data(damaged).write(to: URL(fileURLWithPath: path("damaged.h5")))
        for h5 in [try HDF5File.open(path("damaged.h5")), try HDF5File.open(image: damaged, name: "damaged image")] {
            let dataset = try h5.root.openDataset("w")
            XCTAssertNil(readDirectly(dataset), h5.name)
            var out = [Float](repeating: 0, count: values.count)
            XCTAssertEqual(expectHDF5Error { try out.withUnsafeMutableBufferPointer { try dataset.read(into: $0) } }?.kind,
                           .corrupted)
        }
        // Files open for writing take the library's path.
        let writable = try HDF5File.inMemory()
        let written = try writable.root.write("w", values, shape: [5000])
        XCTAssertNil(readDirectly(written))
        XCTAssertEqual(try written.read(as: Float.self), values)
    }

    /// Addresses in a file with a user block count from after it.
    func testDirectReadsInAFileWithAUserBlock() throws {
        let file = path("userblock.h5")
        zoo_h5_prepare()
        let fcpl = H5Pcreate(zoo_h5p_file_create())
        XCTAssertGreaterThanOrEqual(H5Pset_userblock(fcpl, 512), 0)
        let id = H5Fcreate(file, zoo_h5f_acc_trunc(), fcpl, zoo_h5p_default())
        H5Pclose(fcpl)
        XCTAssertGreaterThanOrEqual(id, 0)
        let dims: [hsize_t] = [hsize_t(values.count)]
        let space = H5Screate_simple(1, dims, nil)
        let dcpl = H5Pcreate(zoo_h5p_dataset_create())
        XCTAssertGreaterThanOrEqual(H5Pset_chunk(dcpl, 1, dims), 0)
        XCTAssertGreaterThanOrEqual(H5Pset_fletcher32(dcpl), 0)
        let dataset = H5Dcreate2(id, "w", zoo_h5t_ieee_f32le(), space, zoo_h5p_default(), dcpl, zoo_h5p_default())
        XCTAssertGreaterThanOrEqual(H5Dwrite(dataset, zoo_h5t_native_float(), zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), values), 0)
        H5Dclose(dataset)
        H5Pclose(dcpl)
        H5Sclose(space)
        XCTAssertGreaterThanOrEqual(H5Fclose(id), 0)

        let h5 = try HDF5File.open(file)
        guard case .descriptor(_, let base)? = h5.handle.rawBytes else { return XCTFail("no descriptor") }
        XCTAssertEqual(base, 512)
        XCTAssertEqual(readDirectly(try h5.root.openDataset("w")), values)
        XCTAssertEqual(try h5.root.read("w", as: Float.self).values, values)
    }
}
