import XCTest
import ZooHDF5

final class GroupAndAttributeTests: TemporaryDirectoryTestCase {
    func testNestedGroupsChildrenAndKinds() throws {
        let file = path("groups.h5")
        do {
            let h5 = try HDF5File.create(file)
            let encoder = try h5.root.createGroup("weights/encoder")
            XCTAssertEqual(encoder.path, "/weights/encoder")
            try encoder.write("0.weight", [Float](repeating: 1, count: 6), shape: [2, 3])
            try encoder.write("0.bias", [Float](repeating: 0, count: 2), shape: [2])
            // Missing parents are created for datasets too.
            try h5.root.write("weights/decoder/0.bias", [Float](repeating: 0, count: 3), shape: [3])
            try h5.root.write("optimizer/step", scalar: Int64(10))
            _ = try h5.root.openOrCreateGroup("weights")  // exists: opened, not recreated
            _ = try h5.root.openOrCreateGroup("empty")
            XCTAssertEqual(expectHDF5Error { try h5.root.createGroup("weights") }?.kind, .alreadyExists)
            XCTAssertEqual(expectHDF5Error { try h5.root.write("optimizer/step", scalar: Int64(11)) }?.kind, .alreadyExists)
            try h5.close()
        }
        let h5 = try HDF5File.open(file)
        XCTAssertEqual(try h5.root.children(), ["empty", "optimizer", "weights"])
        XCTAssertEqual(try h5.root.openGroup("weights").children(), ["decoder", "encoder"])
        XCTAssertEqual(try h5.root.openGroup("weights/encoder").datasetNames(), ["0.bias", "0.weight"])
        XCTAssertEqual(try h5.root.openGroup("weights").groupNames(), ["decoder", "encoder"])
        XCTAssertEqual(try h5.root.openGroup("empty").children(), [])
        XCTAssertEqual(try h5.root.openGroup("/weights/encoder").path, "/weights/encoder")

        XCTAssertTrue(try h5.root.exists("weights/encoder/0.weight"))
        XCTAssertTrue(try h5.root.exists("/weights"))
        XCTAssertFalse(try h5.root.exists("weights/nothing"))
        XCTAssertFalse(try h5.root.exists("nothing/at/all"))
        XCTAssertFalse(try h5.root.exists("optimizer/step/below-a-dataset"))
        XCTAssertEqual(try h5.root.kind(of: "weights"), .group)
        XCTAssertEqual(try h5.root.kind(of: "weights/encoder/0.bias"), .dataset)
        XCTAssertNil(try h5.root.kind(of: "missing"))

        let weights = try h5.root.openGroup("weights")
        XCTAssertEqual(try weights.read("encoder/0.weight", as: Float.self).shape, [2, 3])
        XCTAssertEqual(expectHDF5Error { try h5.root.openGroup("optimizer/step") }?.kind, .typeMismatch)
        XCTAssertEqual(expectHDF5Error { try h5.root.openDataset("weights") }?.kind, .typeMismatch)
        XCTAssertEqual(expectHDF5Error { try h5.root.openGroup("nope") }?.kind, .notFound)
    }

    func testAttributesOnGroupsAndDatasets() throws {
        let file = path("attributes.h5")
        do {
            let h5 = try HDF5File.create(file)
            let root = h5.root.attributes
            try root.set("model", "vae")
            try root.set("note", "λ-VAE ✓ ünïcödé")
            try root.set("empty", "")
            try root.set("epoch", Int64(7))
            try root.set("lr", 1e-3)
            try root.set("dims", [784, 400, 20] as [Int64])
            try root.set("betas", [0.9, 0.999])
            try root.set("epoch", Int64(8))  // replaces
            let dataset = try h5.root.write("w", [Float](repeating: 0, count: 4), shape: [2, 2])
            try dataset.attributes.set("init", "xavier")
            try dataset.attributes.set("fan_in", 2)  // Int, stored as int64
            let group = try h5.root.createGroup("g")
            try group.attributes.set("kind", "encoder")
            try group.attributes.set("tmp", 1.0)
            try group.attributes.remove("tmp")
            try h5.close()
        }
        let h5 = try HDF5File.open(file)
        let root = h5.root.attributes
        XCTAssertEqual(try root.names(), ["betas", "dims", "empty", "epoch", "lr", "model", "note"])
        XCTAssertEqual(try root.string("model"), "vae")
        XCTAssertEqual(try root.string("note"), "λ-VAE ✓ ünïcödé")
        XCTAssertEqual(try root.string("empty"), "")
        XCTAssertEqual(try root.int64("epoch"), 8)
        XCTAssertEqual(try root.double("lr"), 1e-3)
        XCTAssertEqual(try root.array("dims", as: Int64.self), [784, 400, 20])
        XCTAssertEqual(try root.array("betas", as: Double.self), [0.9, 0.999])
        XCTAssertEqual(try root.array("epoch", as: Int64.self), [8])  // a scalar reads as one element
        XCTAssertTrue(try root.contains("lr"))
        XCTAssertFalse(try root.contains("nope"))

        let dataset = try h5.root.openDataset("w")
        XCTAssertEqual(try dataset.attributes.names(), ["fan_in", "init"])
        XCTAssertEqual(try dataset.attributes.string("init"), "xavier")
        XCTAssertEqual(try dataset.attributes.scalar("fan_in", as: Int.self), 2)
        XCTAssertEqual(try h5.root.openGroup("g").attributes.names(), ["kind"])

        // Type checks.
        let mismatch = expectHDF5Error { try root.int64("lr") }
        XCTAssertEqual(mismatch?.kind, .typeMismatch)
        XCTAssertEqual(mismatch?.description, "\(file): /@lr: type mismatch: expected int64, found float64")
        XCTAssertEqual(expectHDF5Error { try root.string("epoch") }?.kind, .typeMismatch)
        XCTAssertEqual(expectHDF5Error { try root.double("model") }?.kind, .typeMismatch)
        XCTAssertEqual(expectHDF5Error { try root.int64("dims") }?.kind, .typeMismatch)
        let missing = expectHDF5Error { try root.string("nope") }
        XCTAssertEqual(missing?.kind, .notFound)
        XCTAssertEqual(missing?.description, "\(file): /@nope: no such attribute")
        // Read-only.
        XCTAssertEqual(expectHDF5Error { try root.set("x", 1.0) }?.kind, .notWritable)
    }
}
