import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// Real checkpoints match Checkpoints/FORMAT.md: every documented required path is present,
/// nothing undocumented is written, and the documented storage rules hold.
final class CheckpointFormatTests: CheckpointTestCase {
    static let formatDocument = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Checkpoints/FORMAT.md")

    /// The lines of the fenced block whose info string is `tag`.
    static func block(_ tag: String) throws -> [String] {
        let text = try String(contentsOf: formatDocument, encoding: .utf8)
        var lines: [String] = [], inside = false, found = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if inside {
                if line.hasPrefix("```") { inside = false; continue }
                if !line.isEmpty { lines.append(line) }
            } else if line == "```" + tag {
                inside = true
                found = true
            }
        }
        guard found, !inside else { throw ZooError("\(formatDocument.path): no closed ```\(tag) block") }
        return lines
    }

    /// `pattern` with `<optimizer>`, `<parameter>` and `<buffer>` replaced by the run's names.
    static func expand(_ pattern: String, for run: TrainingRun) -> [String] {
        if pattern.contains("<optimizer>") {
            return run.optimizers.flatMap { optimizer in
                let named = pattern.replacingOccurrences(of: "<optimizer>", with: optimizer.name)
                guard named.contains("<parameter>") else { return [named] }
                return optimizer.optimizer.parameters.map { named.replacingOccurrences(of: "<parameter>", with: $0.name) }
            }
        }
        if pattern.contains("<parameter>") {
            return run.model.namedParameters.map { pattern.replacingOccurrences(of: "<parameter>", with: $0.name) }
        }
        if pattern.contains("<buffer>") {
            return run.model.namedBuffers.map { pattern.replacingOccurrences(of: "<buffer>", with: $0.name) }
        }
        return [pattern]
    }

    /// Whether `path` matches `pattern`, where a `<...>` component matches any one component.
    static func matches(_ path: String, _ pattern: String) -> Bool {
        let a = path.split(separator: "/", omittingEmptySubsequences: false)
        let b = pattern.split(separator: "/", omittingEmptySubsequences: false)
        return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($1.hasPrefix("<") && $1.hasSuffix(">")) }
    }

    func testDocumentListsPaths() throws {
        let required = try Self.block("required-paths")
        XCTAssertGreaterThan(required.count, 20)
        XCTAssertTrue(required.contains("@format"))
        XCTAssertTrue(required.contains("/weights/<parameter>"))
        XCTAssertEqual(try Self.block("optional-paths").count, 4)
        // The document's names are the code's names.
        typealias A = CheckpointLayout.Attribute
        for name in [A.format, A.formatVersion, A.model, A.hyperparameters, A.training, A.zooVersion, A.created,
                     A.imageChannels, A.imageHeight, A.imageWidth, A.classNames] {
            XCTAssertTrue(required.contains("@" + name), name)
        }
        XCTAssertTrue(try String(contentsOf: Self.formatDocument, encoding: .utf8).contains("format, version \(CheckpointLayout.formatVersion)"))
    }

    func testRealCheckpointsHaveEveryRequiredPathAndNothingUndocumented() throws {
        let required = try Self.block("required-paths"), optional = try Self.block("optional-paths")
        var runs: [(String, TrainingRun)] = []
        for model in CheckpointFixtures.models {
            runs.append(("\(model) fresh", try CheckpointFixtures.start(model)))
            runs.append(("\(model) mid-epoch", try CheckpointFixtures.trained(model, epochs: 1, steps: 2)))
            runs.append(("\(model) epoch end", try CheckpointFixtures.trained(model, epochs: 2)))
        }
        for (what, run) in runs {
            let file = path("conformance.h5")
            try CheckpointWriter.save(run, to: file)
            let root = try HDF5File.open(file).root
            var expected: [String] = []
            for pattern in required {
                for item in Self.expand(pattern, for: run) {
                    let parts = item.split(separator: "@", maxSplits: 1).map(String.init)
                    if item.hasPrefix("@") {
                        XCTAssertTrue(try root.attributes.contains(parts[0]), "\(what): missing root attribute \(item)")
                    } else if parts.count == 2 {
                        XCTAssertTrue(try root.exists(parts[0]) && root.openGroup(parts[0]).attributes.contains(parts[1]),
                                      "\(what): missing attribute \(item)")
                    } else {
                        XCTAssertTrue(try root.exists(item), "\(what): missing \(item)")
                        expected.append(item)
                    }
                }
            }
            // Every attribute and object written is documented.
            let documentedAttributes = Set(required.filter { $0.contains("@") })
            for name in try root.attributes.names() {
                XCTAssertTrue(documentedAttributes.contains("@" + name), "\(what): undocumented root attribute @\(name)")
            }
            for name in try root.openGroup("training_state").attributes.names() {
                XCTAssertTrue(documentedAttributes.contains("/training_state@" + name), "\(what): undocumented attribute /training_state@\(name)")
            }
            var objects: [(String, HDF5ObjectKind)] = []
            func walk(_ group: HDF5Group) throws {
                for child in try group.children() {
                    let path = group.path == "/" ? "/" + child : group.path + "/" + child
                    let kind = try XCTUnwrap(try group.kind(of: child))
                    objects.append((path, kind))
                    if kind == .group { try walk(try group.openGroup(child)) }
                    if kind == .dataset {
                        let dataset = try group.openDataset(child)
                        // Storage: every chunked (non-scalar, non-empty) dataset carries Fletcher-32.
                        if !dataset.shape.isEmpty && dataset.count > 0 {
                            XCTAssertTrue(dataset.hasChecksum, "\(what): \(path) has no Fletcher-32 checksum")
                        }
                        XCTAssertTrue(try dataset.attributes.names().isEmpty, "\(what): \(path) has attributes")
                    }
                }
            }
            try walk(root)
            let expectedSet = Set(expected)
            for (path, _) in objects where !expectedSet.contains(path) {
                XCTAssertTrue(optional.contains { Self.matches(path, $0) }, "\(what): undocumented object \(path)")
            }
            if run.stepInEpoch > 0 {
                XCTAssertFalse(try root.openGroup("training_state/partial_loss_sums").datasetNames().isEmpty, what)
            }
        }
    }

    /// The documented types of the fixed members.
    func testDocumentedTypes() throws {
        let run = try CheckpointFixtures.trained("ae", epochs: 1, steps: 1)
        let file = path("types.h5")
        try CheckpointWriter.save(run, to: file)
        let root = try HDF5File.open(file).root
        XCTAssertEqual(try root.attributes.string("format"), "zoo-checkpoint")
        XCTAssertEqual(try root.attributes.int64("format_version"), 2)
        XCTAssertEqual(try root.attributes.string("model"), "ae")
        XCTAssertEqual(try root.attributes.string("hyperparameters"), #"{"hidden":[32],"latent":4}"#)
        XCTAssertEqual(try root.attributes.int64("image_channels"), 1)
        XCTAssertEqual(try root.attributes.int64("image_height"), 28)
        XCTAssertEqual(try root.attributes.int64("image_width"), 28)
        XCTAssertEqual(try root.attributes.string("class_names"), #"["0","1","2","3","4","5","6","7","8","9"]"#)
        XCTAssertNotNil(ISO8601DateFormatter().date(from: try root.attributes.string("created")))
        XCTAssertNoThrow(try JSONDecoder().decode(TrainingSettings.self, from: Data(try root.attributes.string("training").utf8)))
        func type(_ path: String) throws -> HDF5ElementType? { try root.openDataset(path).elementType }
        func shape(_ path: String) throws -> [Int] { try root.openDataset(path).shape }
        XCTAssertEqual(try type("weights/encoder.0.weight"), .float32)
        XCTAssertEqual(try shape("weights/encoder.0.weight"), [32, 784])  // PyTorch Linear: [out, in]
        XCTAssertEqual(try shape("weights/decoder.2.weight"), [784, 32])
        XCTAssertEqual(try type("optimizer/optimizer/encoder.0.weight/exp_avg"), .float32)
        XCTAssertEqual(try type("optimizer/optimizer/encoder.0.weight/exp_avg_sq"), .float32)
        XCTAssertEqual(try type("optimizer/optimizer/encoder.0.weight/step"), .int64)
        XCTAssertEqual(try shape("optimizer/optimizer/encoder.0.weight/step"), [])
        XCTAssertEqual(try root.read("optimizer/optimizer/encoder.0.weight/step", as: Int64.self).values, [Int64(run.globalStep)])
        XCTAssertEqual(try shape("model_state/latent_mean"), [4])
        XCTAssertEqual(try shape("model_state/latent_covariance"), [4, 4])
        XCTAssertEqual(try type("training_state/model_rng"), .uint64)
        XCTAssertEqual(try shape("training_state/data_rng"), [4])
        XCTAssertEqual(try type("training_state/partial_loss_sums/mse"), .float64)
        XCTAssertEqual(try shape("training_state/partial_loss_sums/mse"), [])
        let state = try root.openGroup("training_state").attributes
        XCTAssertEqual([try state.int64("epoch"), try state.int64("step_in_epoch"), try state.int64("global_step"), try state.int64("partial_images")],
                       [1, 1, Int64(run.globalStep), 64])
        XCTAssertNoThrow(try state.double("partial_seconds"))
        XCTAssertEqual(try root.read("history/epoch", as: Int64.self).values, [1])
        XCTAssertEqual(try type("history/seconds"), .float64)
        XCTAssertEqual(try type("history/losses/mse"), .float64)
        XCTAssertEqual(try type("history/metrics/mse"), .float64)
    }
}
