import CHDF5
import CHDF5Shim
import Foundation
import XCTest
import ZooHDF5

/// Where ZooHDF5 keeps strings (in checksummed metadata, never in the global heap), that it
/// still reads the strings other tools write, and that a damaged object is reported as
/// damaged rather than as missing.
final class StorageIntegrityTests: TemporaryDirectoryTestCase {
    /// The global heap ("GCOL" collections) holds variable-length data and has no checksum.
    private func hasGlobalHeap(_ bytes: [UInt8]) -> Bool {
        let signature = Array("GCOL".utf8)
        return bytes.count >= 4 && (0...(bytes.count - 4)).contains { bytes[$0..<($0 + 4)].elementsEqual(signature) }
    }

    private func offsets(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard pattern.count <= bytes.count else { return [] }
        return (0...(bytes.count - pattern.count)).filter { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }

    func testStringAttributesAreFixedLengthAndChecksummed() throws {
        var strings = ["model": "vae", "empty": "", "note": "λ-VAE ✓ ünïcödé",
                       "json": #"{"hidden":[400],"latent":20}"#, "long": String(repeating: "settings ", count: 1000)]
        for i in 0..<8 { strings["more\(i)"] = "value \(i)" }  // past HDF5's default of 8 in the header
        let h5 = try HDF5File.inMemory(name: "strings.h5")
        for (name, value) in strings { try h5.root.attributes.set(name, value) }
        let bytes = try h5.image()
        XCTAssertFalse(hasGlobalHeap(bytes), "string attributes were written to the unchecksummed global heap")
        // The root keeps them all in its object header: no dense storage (fractal heap).
        XCTAssertTrue(offsets(of: Array("FRHP".utf8), in: bytes).isEmpty, "root attributes went to dense storage")

        let reopened = try HDF5File.open(image: bytes, name: "strings.h5")
        for (name, value) in strings { XCTAssertEqual(try reopened.root.attributes.string(name), value, name) }

        // Every byte of a string is covered by a checksum: flipping any one of them is refused.
        for value in [strings["json"]!, strings["note"]!, strings["long"]!] {
            let needle = Array(value.utf8)
            let found = offsets(of: needle, in: bytes)
            XCTAssertEqual(found.count, 1, "the string is stored once, as its UTF-8 bytes")
            guard let start = found.first else { continue }
            for offset in stride(from: start, to: start + needle.count, by: max(1, needle.count / 64)) {
                var damaged = bytes
                damaged[offset] ^= 0x04
                let error = expectHDF5Error {
                    try HDF5File.open(image: damaged, name: "flipped.h5").root.attributes.string("json")
                }
                XCTAssertEqual(error?.kind, .corrupted, "flip at \(offset): \(String(describing: error))")
            }
        }

        // Groups with many attributes use dense storage, whose heap blocks are checksummed too;
        // still no global heap.
        let dense = try HDF5File.inMemory(name: "dense.h5")
        let group = try dense.root.createGroup("g")
        for i in 0..<12 { try group.attributes.set("s\(i)", "value \(i)") }
        let denseBytes = try dense.image()
        XCTAssertFalse(hasGlobalHeap(denseBytes))
        let g = try HDF5File.open(image: denseBytes, name: "dense.h5").root.openGroup("g")
        for i in 0..<12 { XCTAssertEqual(try g.attributes.string("s\(i)"), "value \(i)") }
    }

    /// Files written by other tools (h5py writes `str` attributes as variable-length) and
    /// space-padded fixed-length strings (Fortran, MATLAB) still read.
    func testForeignStringAttributesRead() throws {
        let file = path("foreign.h5")
        zoo_h5_prepare()
        let id = H5Fcreate(file, zoo_h5f_acc_trunc(), zoo_h5p_default(), zoo_h5p_default())
        XCTAssertGreaterThanOrEqual(id, 0)
        func attribute(_ name: String, size: Int, padding: H5T_str_t, write: (hid_t, hid_t) -> herr_t) {
            let type = H5Tcopy(zoo_h5t_c_s1())
            XCTAssertGreaterThanOrEqual(H5Tset_size(type, size), 0)
            XCTAssertGreaterThanOrEqual(H5Tset_strpad(type, padding), 0)
            XCTAssertGreaterThanOrEqual(H5Tset_cset(type, H5T_CSET_UTF8), 0)
            let space = H5Screate(H5S_SCALAR)
            let attribute = H5Acreate2(id, name, type, space, zoo_h5p_default(), zoo_h5p_default())
            XCTAssertGreaterThanOrEqual(write(attribute, type), 0, name)
            H5Aclose(attribute)
            H5Sclose(space)
            H5Tclose(type)
        }
        attribute("variable", size: zoo_h5t_variable(), padding: H5T_STR_NULLTERM) { attribute, type in
            "h5py ✓".withCString { cString in
                var pointer: UnsafePointer<CChar>? = cString
                return H5Awrite(attribute, type, &pointer)
            }
        }
        attribute("spaces", size: 8, padding: H5T_STR_SPACEPAD) { attribute, type in
            H5Awrite(attribute, type, Array("vae     ".utf8))
        }
        attribute("nullterm", size: 8, padding: H5T_STR_NULLTERM) { attribute, type in
            H5Awrite(attribute, type, Array("ae\0\0\0\0\0\0".utf8))
        }
        XCTAssertGreaterThanOrEqual(H5Fclose(id), 0)

        XCTAssertTrue(hasGlobalHeap([UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))))
        let root = try HDF5File.open(file).root
        XCTAssertEqual(try root.attributes.string("variable"), "h5py ✓")
        XCTAssertEqual(try root.attributes.string("spaces"), "vae")
        XCTAssertEqual(try root.attributes.string("nullterm"), "ae")
    }

    /// A group's members whose object headers are damaged: listing, `kind(of:)`, `exists` and
    /// opening report the damage. Before, the damaged member silently dropped out of
    /// `datasetNames()` and read as "no such dataset".
    func testDamagedMemberIsReportedNotMissing() throws {
        let h5 = try HDF5File.inMemory(name: "members.h5")
        let group = try h5.root.createGroup("g")
        for name in ["a", "b", "c"] { try group.write(name, scalar: Double(name.unicodeScalars.first!.value)) }
        try group.createGroup("sub").attributes.set("x", 1.0)
        let bytes = try h5.image()
        let headers = offsets(of: Array("OHDR".utf8), in: bytes)
        XCTAssertEqual(headers.count, 6, "root, g, a, b, c and sub each have an object header")

        var caught = 0
        for header in headers {
            var damaged = bytes
            damaged[header + 6] ^= 0x01  // inside the header's checksummed fields
            let root: HDF5Group
            do {
                root = try HDF5File.open(image: damaged, name: "damaged.h5").root
            } catch let error as HDF5Error {
                XCTAssertEqual(error.kind, .corrupted, "header at \(header): \(error)")
                continue  // the root itself
            }
            do {
                let g = try root.openGroup("g")
                let datasets = try g.datasetNames(), groups = try g.groupNames()
                XCTAssertEqual(datasets, ["a", "b", "c"], "header at \(header): a member went missing")
                XCTAssertEqual(groups, ["sub"], "header at \(header): a member went missing")
                XCTFail("header at \(header): damage went unnoticed")
            } catch let error as HDF5Error {
                XCTAssertEqual(error.kind, .corrupted, "header at \(header): \(error)")
                XCTAssertFalse(error.description.contains("\n"))
                caught += 1
            }
            // Each member is either fine or reported as damaged, never as absent.
            for name in ["g", "g/a", "g/b", "g/c", "g/sub", "g/sub/below"] {
                do {
                    let kind = try root.kind(of: name)
                    XCTAssertEqual(kind, name.hasSuffix("below") ? nil : name == "g" || name == "g/sub" ? .group : .dataset,
                                   "header at \(header): \(name)")
                    XCTAssertEqual(try root.exists(name), kind != nil)
                } catch let error as HDF5Error {
                    XCTAssertEqual(error.kind, .corrupted, "header at \(header): \(name): \(error)")
                }
            }
            if let error = expectHDF5ErrorIfAny({ try root.openDataset("g/b") }) {
                XCTAssertNotEqual(error.kind, .notFound, "header at \(header): a damaged dataset read as missing")
            }
        }
        XCTAssertEqual(caught, 5, "every damaged member header but the root's is reported")
    }

    /// Damaged dense attribute storage (a group with more than 8 attributes): `contains`
    /// reports the damage instead of answering "no such attribute".
    func testDamagedAttributeStorageIsReportedNotMissing() throws {
        let h5 = try HDF5File.inMemory(name: "attributes.h5")
        let group = try h5.root.createGroup("g")
        for i in 0..<12 { try group.attributes.set("a\(i)", Int64(i)) }
        let bytes = try h5.image()
        // The fractal heap's direct block holds the attribute messages.
        let blocks = offsets(of: Array("FHDB".utf8), in: bytes)
        XCTAssertFalse(blocks.isEmpty, "no dense attribute storage")
        for block in blocks {
            var damaged = bytes
            damaged[block + 40] ^= 0x01
            let file = try HDF5File.open(image: damaged, name: "damaged.h5")
            let g = try file.root.openGroup("g")
            do {
                let found = try g.attributes.contains("a5")
                XCTFail("block at \(block): damage went unnoticed (contains answered \(found))")
            } catch let error as HDF5Error {
                XCTAssertEqual(error.kind, .corrupted, "block at \(block): \(error)")
            }
            XCTAssertNotEqual(expectHDF5ErrorIfAny { try g.attributes.int64("a5") }?.kind, .notFound)
        }
    }

    func testDanglingSoftLinkIsAbsent() throws {
        let file = path("links.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.root.write("real", scalar: 1.0)
            try h5.close()
        }
        zoo_h5_prepare()
        let id = H5Fopen(file, zoo_h5f_acc_rdwr(), zoo_h5p_default())
        XCTAssertGreaterThanOrEqual(H5Lcreate_soft("/nowhere", id, "dangling", zoo_h5p_default(), zoo_h5p_default()), 0)
        XCTAssertGreaterThanOrEqual(H5Lcreate_soft("/real", id, "alias", zoo_h5p_default(), zoo_h5p_default()), 0)
        XCTAssertGreaterThanOrEqual(H5Fclose(id), 0)

        let root = try HDF5File.open(file).root
        XCTAssertNil(try root.kind(of: "dangling"))
        XCTAssertFalse(try root.exists("dangling"))
        XCTAssertEqual(try root.kind(of: "alias"), .dataset)
        XCTAssertEqual(expectHDF5Error { try root.openDataset("dangling") }?.kind, .notFound)
        XCTAssertEqual(try root.datasetNames(), ["alias", "real"])
    }

    /// The error `body` throws, or nil when it succeeds; fails on anything but an HDF5Error.
    private func expectHDF5ErrorIfAny<R>(_ body: () throws -> R, line: UInt = #line) -> HDF5Error? {
        do {
            _ = try body()
            return nil
        } catch let error as HDF5Error {
            return error
        } catch {
            XCTFail("not an HDF5Error: \(error)", line: line)
            return nil
        }
    }
}
