import CHDF5
import CHDF5Shim
import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// zoo never writes a link or a named datatype, so a checkpoint holding one (a group inside
/// itself, a link out of the file, a type where a tensor belongs) is refused at once with one
/// line naming the HDF5 path, by `load` and by `zoo inspect`, whose walk over every dataset
/// would otherwise go round a cycle for ever. The files are real checkpoints altered through
/// the HDF5 C API.
final class CheckpointLinkTests: CheckpointTestCase {
    private var good: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        good = path("good.h5")
        try CheckpointWriter.save(try CheckpointFixtures.trained("vae", epochs: 1, limit: 128), to: good)
    }

    /// A copy of the good checkpoint, opened read-write with the C API for `edit`.
    private func variant(_ name: String, _ edit: (hid_t) throws -> Void) throws -> String {
        let file = path(name + ".h5")
        try FileManager.default.copyItem(atPath: good, toPath: file)
        zoo_h5_prepare()
        let id = H5Fopen(file, zoo_h5f_acc_rdwr(), zoo_h5p_default())
        XCTAssertGreaterThanOrEqual(id, 0, "cannot open \(file)")
        try edit(id)
        XCTAssertGreaterThanOrEqual(H5Fclose(id), 0)
        return file
    }

    /// Expects `load` and `inspect` to refuse `file` promptly, naming it and every fragment.
    private func expectRefused(_ file: String, _ fragments: [String], line: UInt = #line) {
        let start = Date()
        let message = expectCheckpointError([file] + fragments, line: line) { try CheckpointReader.load(file) }
        expectCheckpointError([file] + fragments, line: line) { try CheckpointReader.inspect(file) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "refusing took too long", line: line)
        if let message { print("refused: \(message)") }
    }

    private func check(_ status: herr_t, line: UInt = #line) { XCTAssertGreaterThanOrEqual(status, 0, line: line) }

    func testHardLinkCycle() throws {
        let file = try variant("hard-cycle") { id in
            check(H5Lcreate_hard(id, "/history", id, "/history/loop", zoo_h5p_default(), zoo_h5p_default()))
        }
        expectRefused(file, ["/history is reached by 2 hard links", "no links"])
        // A link back to the root: the root itself has two names.
        expectRefused(try variant("hard-root") { id in
            check(H5Lcreate_hard(id, "/", id, "/weights/up", zoo_h5p_default(), zoo_h5p_default()))
        }, ["/ is reached by 2 hard links"])
    }

    func testSoftLinkCycle() throws {
        expectRefused(try variant("soft-cycle") { id in
            check(H5Lcreate_soft("/weights", id, "/weights/loop", zoo_h5p_default(), zoo_h5p_default()))
        }, ["/weights/loop is a soft link to /weights"])
    }

    func testExternalLink() throws {
        expectRefused(try variant("external") { id in
            check(H5Lcreate_external("other.h5", "/weights", id, "/history/elsewhere", zoo_h5p_default(), zoo_h5p_default()))
        }, ["/history/elsewhere is an external link to /weights in other.h5"])
    }

    func testNamedDatatype() throws {
        expectRefused(try variant("named-type") { id in
            let type = H5Tcopy(zoo_h5t_ieee_f32le())
            check(H5Tcommit2(id, "/weights/float", type, zoo_h5p_default(), zoo_h5p_default(), zoo_h5p_default()))
            H5Tclose(type)
        }, ["/weights/float is a named datatype"])
    }

    /// An attribute whose type is a committed datatype (its header then points elsewhere).
    func testAttributeWithNamedDatatype() throws {
        expectRefused(try variant("attribute-type") { id in
            let type = H5Tcopy(zoo_h5t_std_i64le())
            check(H5Tcommit_anon(id, type, zoo_h5p_default(), zoo_h5p_default()))
            let space = H5Screate(H5S_SCALAR)
            let group = H5Gopen2(id, "/training_state", zoo_h5p_default())
            let attribute = H5Acreate2(group, "extra", type, space, zoo_h5p_default(), zoo_h5p_default())
            XCTAssertGreaterThanOrEqual(attribute, 0)
            var value: Int64 = 3
            check(H5Awrite(attribute, zoo_h5t_native_int64(), &value))
            H5Aclose(attribute)
            H5Gclose(group)
            H5Sclose(space)
            H5Tclose(type)
        }, ["/training_state has an attribute @extra whose type is a named datatype"])
    }

    /// A group among the weights, where only tensors belong, is named, not ignored.
    func testGroupAmongTheWeights() throws {
        expectRefused(try variant("weights-group") { id in
            H5Gclose(H5Gcreate2(id, "/weights/extra", zoo_h5p_default(), zoo_h5p_default(), zoo_h5p_default()))
        }, ["unexpected group /weights/extra (not part of this zoo-checkpoint)"])
    }

    /// A tensor stored with a committed datatype that has no name of its own.
    func testTensorWithAnonymousNamedDatatype() throws {
        expectRefused(try variant("anonymous-type") { id in
            check(H5Ldelete(id, "/weights/encoder.0.bias", zoo_h5p_default()))
            let type = H5Tcopy(zoo_h5t_ieee_f32le())
            check(H5Tcommit_anon(id, type, zoo_h5p_default(), zoo_h5p_default()))
            var dims: [hsize_t] = [32]
            let space = H5Screate_simple(1, &dims, nil)
            let dataset = H5Dcreate2(id, "/weights/encoder.0.bias", type, space, zoo_h5p_default(), zoo_h5p_default(), zoo_h5p_default())
            XCTAssertGreaterThanOrEqual(dataset, 0)
            let zeros = [Float](repeating: 0, count: 32)
            check(H5Dwrite(dataset, zoo_h5t_native_float(), zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), zeros))
            H5Dclose(dataset)
            H5Sclose(space)
            H5Tclose(type)
        }, ["/weights/encoder.0.bias is a dataset whose type is a named datatype"])
    }

    /// What stands where a tensor should be is named as what it is, not as a missing tensor.
    func testNotATensorWhereATensorShouldBe() throws {
        expectRefused(try variant("dangling") { id in
            check(H5Ldelete(id, "/weights/encoder.0.bias", zoo_h5p_default()))
            check(H5Lcreate_soft("/nowhere", id, "/weights/encoder.0.bias", zoo_h5p_default(), zoo_h5p_default()))
        }, ["/weights/encoder.0.bias is a soft link to /nowhere"])
        let group = try variant("group") { id in
            check(H5Ldelete(id, "/weights/encoder.0.bias", zoo_h5p_default()))
            H5Gclose(H5Gcreate2(id, "/weights/encoder.0.bias", zoo_h5p_default(), zoo_h5p_default(), zoo_h5p_default()))
        }
        let message = expectCheckpointError(["/weights/encoder.0.bias is a group, expected a tensor"]) { try CheckpointReader.load(group) }
        XCTAssertFalse(message?.contains("missing") ?? true, message ?? "")
        let step = try variant("step-group") { id in
            check(H5Ldelete(id, "/optimizer/optimizer/encoder.0.bias/step", zoo_h5p_default()))
            H5Gclose(H5Gcreate2(id, "/optimizer/optimizer/encoder.0.bias/step", zoo_h5p_default(), zoo_h5p_default(), zoo_h5p_default()))
        }
        expectCheckpointError(["/optimizer/optimizer/encoder.0.bias/step is a group, expected a tensor"]) { try CheckpointReader.load(step) }
    }

    /// `zoo inspect`, as text and as JSON, ends at once with one line and exit status 1.
    func testInspectEndsOnCycles() throws {
        let hard = try variant("hard-cycle") { id in
            check(H5Lcreate_hard(id, "/history", id, "/history/loop", zoo_h5p_default(), zoo_h5p_default()))
        }
        let soft = try variant("soft-cycle") { id in
            check(H5Lcreate_soft("/weights", id, "/weights/loop", zoo_h5p_default(), zoo_h5p_default()))
        }
        for (file, path) in [(hard, "/history"), (soft, "/weights/loop")] {
            for json in [false, true] {
                let (status, output) = try CheckpointFixtures.runZoo(["inspect", file] + (json ? ["--json"] : []), timeout: 30)
                XCTAssertEqual(status, 1, output)
                XCTAssertTrue(output.hasPrefix("Error: \(file): \(path) is "), output)
                XCTAssertEqual(output.split(separator: "\n").count, 1, output)
            }
        }
    }

    /// The published checkpoints are plain trees.
    func testPublishedCheckpointsArePlainTrees() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Checkpoints").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".h5") }
        XCTAssertFalse(files.isEmpty)
        for name in files {
            XCTAssertNil(try HDF5File.open(folder.appendingPathComponent(name).path).root.firstIrregularity(), name)
        }
    }
}
