import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// Every way a checkpoint can be wrong is refused with one line naming the file and the problem.
/// The broken files are real checkpoints copied through ZooHDF5 with exactly one thing altered.
final class CheckpointValidationTests: CheckpointTestCase {
    private var good: String!
    private var tree: CheckpointTree!

    override func setUpWithError() throws {
        try super.setUpWithError()
        good = path("good.h5")
        try CheckpointWriter.save(try CheckpointFixtures.trained("vae", epochs: 1, steps: 1, limit: 128), to: good)
        tree = try CheckpointTree(reading: good)
    }

    /// Writes the good checkpoint's tree with `edit` applied; returns its path.
    private func variant(_ name: String, _ edit: (inout CheckpointTree) -> Void) throws -> String {
        var copy = tree!
        edit(&copy)
        let file = path(name + ".h5")
        try copy.write(to: file)
        return file
    }

    /// Expects loading `file` to fail with one line naming the file and every fragment.
    private func expectRefused(_ file: String, _ fragments: [String], line: UInt = #line) {
        let message = expectCheckpointError([file] + fragments, line: line) {
            try CheckpointReader.load(file)
        }
        if let message { print("refused: \(message)") }
    }

    func testUnmodifiedCopyLoadsIdentically() throws {
        let copy = try variant("copy") { _ in }
        CheckpointCompare.assertIdentical(try CheckpointReader.load(good), try CheckpointReader.load(copy), timing: true, "copy")
    }

    func testMissingFileAndDirectory() {
        expectRefused(path("missing.h5"), ["no such file"])
        expectRefused(folder.path, ["is a directory"])
    }

    func testNotHDF5() throws {
        let file = path("text.h5")
        try Data("this is not a checkpoint\n".utf8).write(to: URL(fileURLWithPath: file))
        expectRefused(file, ["not an HDF5 file"])
        let empty = path("empty.h5")
        try Data().write(to: URL(fileURLWithPath: empty))
        expectRefused(empty, ["not an HDF5 file"])
    }

    func testTruncated() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for fraction in [0.5, 0.9] {
            let file = path("truncated-\(fraction).h5")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: file))
            expectRefused(file, ["truncated"])
        }
        let file = path("truncated-header.h5")
        try bytes.prefix(20).write(to: URL(fileURLWithPath: file))
        expectRefused(file, ["truncated", "superblock"])
    }

    func testForeignHDF5File() throws {
        let file = path("foreign.h5")
        let other = try HDF5File.create(file)
        try other.root.write("data", [Float](repeating: 1, count: 10))
        try other.root.attributes.set("title", "somebody else's file")
        try other.close()
        expectRefused(file, ["not a zoo checkpoint", "format"])
        expectRefused(try variant("other-format") { $0.attributes["/"]!["format"] = .string("keras") }, ["not a zoo checkpoint"])
        expectRefused(try variant("int-format") { $0.attributes["/"]!["format"] = .int64(1) }, ["not a zoo checkpoint"])
    }

    func testNewerFormatVersion() throws {
        expectRefused(try variant("v3") { $0.attributes["/"]!["format_version"] = .int64(3) },
                      ["format version 3", "newer", "upgrade zoo"])
        // Versions start at 1: 0 or a negative one is damage or a bug, not a newer zoo.
        for version in [0, -3] as [Int64] {
            let message = expectCheckpointError(["format version \(version)", "not a valid format version"]) {
                try CheckpointReader.load(try variant("v\(version)") { $0.attributes["/"]!["format_version"] = .int64(version) })
            }
            XCTAssertFalse(message?.contains("newer") ?? true, message ?? "")
        }
        expectRefused(try variant("v-string") { $0.attributes["/"]!["format_version"] = .string("1") }, ["@format_version", "type mismatch"])
    }

    func testUnknownModel() throws {
        let file = try variant("unknown-model") { $0.attributes["/"]!["model"] = .string("diffusion") }
        let message = expectCheckpointError(["unknown model 'diffusion'", "vae"]) { try CheckpointReader.load(file) }
        XCTAssertTrue(message?.hasPrefix(file + ": unknown model") ?? false, message ?? "")
    }

    func testBadHyperparametersAndSettings() throws {
        let badJSON = try variant("bad-json") { $0.attributes["/"]!["hyperparameters"] = .string("{\"hidden\":") }
        XCTAssertTrue(expectCheckpointError(["hyper-parameters of vae are not valid"]) { try CheckpointReader.load(badJSON) }?
            .hasPrefix(badJSON + ": hyper-parameters of vae") ?? false)
        // Hyper-parameters that decode but do not build a model: the model's own message, after the file.
        let unbuildable = try variant("unbuildable") { $0.attributes["/"]!["hyperparameters"] = .string(#"{"hidden":[32],"latent":0}"#) }
        XCTAssertTrue(expectCheckpointError(["latent must be between 1 and"]) { try CheckpointReader.load(unbuildable) }?
            .hasPrefix(unbuildable + ": vae: ") ?? false)
        // Hyper-parameters that build a different model: every weight has the wrong shape.
        expectRefused(try variant("other-size") { $0.attributes["/"]!["hyperparameters"] = .string(#"{"hidden":[33],"latent":4}"#) },
                      ["/weights/", "has shape", "expected"])
        expectRefused(try variant("newer-hyperparameter") {
            $0.attributes["/"]!["hyperparameters"] = .string(#"{"hidden":[32],"latent":4,"dropout":0.5}"#)
        }, ["hyper-parameters of vae are not valid: unknown key 'dropout' (known: beta, hidden, latent)"])
        expectRefused(try variant("bad-training") { $0.attributes["/"]!["training"] = .string(#"{"epochs":"many"}"#) },
                      ["training settings are not valid"])
        // Settings that decode but could not train: named by their JSON keys, not as flags.
        let settings = #"{"epochs":2,"beta1":0.9,"beta2":0.999,"learningRate":0.001,"seed":0,"dataset":"mnist""#
        expectRefused(try variant("zero-batch") { $0.attributes["/"]!["training"] = .string(settings + #","batchSize":0}"#) },
                      ["training settings are not valid: batchSize must be between 1 and 16777216, got 0"])
        expectRefused(try variant("negative-limit") {
            $0.attributes["/"]!["training"] = .string(settings + #","batchSize":128,"limit":-1}"#)
        }, ["training settings are not valid: limit must be at least 1, got -1"])
        expectRefused(try variant("bad-height") { $0.attributes["/"]!["image_height"] = .int64(0) }, ["image shape 1x0x28 is not valid"])
        expectRefused(try variant("bad-channels") { $0.attributes["/"]!["image_channels"] = .int64(5) }, ["image shape 5x28x28 is not valid"])
        expectRefused(try variant("bad-classes") { $0.attributes["/"]!["class_names"] = .string("[]") },
                      ["@class_names is not a JSON list of class names"])
        expectRefused(try variant("bad-classes-json") { $0.attributes["/"]!["class_names"] = .string("{\"a\":1}") },
                      ["@class_names is not a JSON list of class names"])
        // Root attributes are named "/@name", with no space.
        let noWidth = try variant("no-width") { $0.attributes["/"]!["image_width"] = nil }
        XCTAssertEqual(expectCheckpointError(["no such attribute"]) { try CheckpointReader.load(noWidth) },
                       "\(noWidth): /@image_width: no such attribute")
        // A version-1 file names the height and width as rows and columns.
        let version1 = try variant("v1-bad-rows") {
            $0.attributes["/"]!["format_version"] = .int64(1)
            $0.attributes["/"]!["image_rows"] = .int64(0)
            $0.attributes["/"]!["image_columns"] = .int64(28)
        }
        expectRefused(version1, ["image shape 1x0x28 is not valid"])
        let noEpoch = try variant("no-epoch") { $0.attributes["/training_state"]!["epoch"] = nil }
        XCTAssertEqual(expectCheckpointError(["no such attribute"]) { try CheckpointReader.load(noEpoch) },
                       "\(noEpoch): /training_state@epoch: no such attribute")
    }

    /// JSON numbers Foundation cannot put in the field's type are named by key and range,
    /// and hyper-parameters that are not an object say so.
    func testOutOfRangeJSONNumbers() throws {
        let settings = #"{"epochs":2,"batchSize":128,"beta1":0.9,"beta2":0.999,"dataset":"mnist""#
        for (name, json, message) in [
            ("seed-negative", settings + #","learningRate":0.001,"seed":-1}"#, "'seed' is -1; expected a whole number from 0 to 18446744073709551615"),
            ("seed-2-64", settings + #","learningRate":0.001,"seed":18446744073709551616}"#, "'seed' is 18446744073709551616; expected a whole number from 0 to 18446744073709551615"),
            ("lr-huge", settings + #","learningRate":1e39,"seed":0}"#, "'learningRate' is 1e+39; expected a number from -3.4e38 to 3.4e38"),
            ("lr-1e400", settings + #","learningRate":1e400,"seed":0}"#, "'learningRate' is 1e400; expected a number from -3.4e38 to 3.4e38"),
        ] {
            expectRefused(try variant(name) { $0.attributes["/"]!["training"] = .string(json) }, ["training settings are not valid: " + message])
        }
        for (name, json, message) in [
            ("latent-1e400", #"{"hidden":[32],"latent":1e400}"#, "'latent' is 1e400; expected a whole number from -9223372036854775808 to 9223372036854775807"),
            ("latent-20-digits", #"{"hidden":[32],"latent":99999999999999999999}"#, "'latent' is 99999999999999999999; expected a whole number"),
            ("latent-fraction", #"{"hidden":[32],"latent":32.5}"#, "'latent' is 32.5; expected a whole number"),
            ("hidden-fraction", #"{"hidden":[32.5],"latent":4}"#, "'hidden' is 32.5; expected a list of whole numbers"),
            ("null", "null", "expected a JSON object ({\"key\": value, ...}), got null"),
            ("list", "[]", "expected a JSON object ({\"key\": value, ...}), got a list"),
        ] {
            let message = expectCheckpointError(["hyper-parameters of vae are not valid: " + message]) {
                try CheckpointReader.load(try variant(name) { $0.attributes["/"]!["hyperparameters"] = .string(json) })
            }
            XCTAssertFalse(message?.contains("not valid JSON") ?? true, message ?? "")
        }
    }

    func testMissingTensor() throws {
        expectRefused(try variant("missing-weight") { $0.remove("/weights/encoder.0.bias") }, ["missing tensor /weights/encoder.0.bias"])
        expectRefused(try variant("missing-moment") { $0.remove("/optimizer/optimizer/decoder.2.weight/exp_avg_sq") },
                      ["missing tensor /optimizer/optimizer/decoder.2.weight/exp_avg_sq"])
        expectRefused(try variant("missing-slot-group") { $0.remove("/optimizer/optimizer/decoder.0.bias") },
                      ["missing group /optimizer/optimizer/decoder.0.bias"])
        expectRefused(try variant("missing-optimizer") { $0.remove("/optimizer") }, ["/optimizer", "no such group"])
        expectRefused(try variant("missing-rng") { $0.remove("/training_state/data_rng") }, ["/training_state/data_rng", "no such dataset"])
        expectRefused(try variant("missing-history") { $0.remove("/history/seconds") }, ["/history/seconds", "no such dataset"])
    }

    func testExtraTensor() throws {
        expectRefused(try variant("extra-weight") {
            $0.datasets["/weights/encoder.4.weight"] = .init(values: .float32([1, 2]), shape: [2])
        }, ["unexpected tensor /weights/encoder.4.weight"])
        expectRefused(try variant("extra-slot") {
            $0.datasets["/optimizer/optimizer/encoder.0.bias/momentum_buffer"] = .init(values: .float32(.init(repeating: 0, count: 32)), shape: [32])
        }, ["unexpected tensor /optimizer/optimizer/encoder.0.bias/momentum_buffer"])
        expectRefused(try variant("extra-optimizer") {
            $0.groups.insert("/optimizer/discriminator")
        }, ["unexpected group /optimizer/discriminator"])
    }

    func testWrongShape() throws {
        expectRefused(try variant("transposed") {
            $0.datasets["/weights/encoder.0.weight"]!.shape = [784, 32]
        }, ["/weights/encoder.0.weight has shape [784, 32], expected [32, 784]"])
        expectRefused(try variant("moment-shape") {
            $0.datasets["/optimizer/optimizer/encoder.0.bias/exp_avg"] = .init(values: .float32(.init(repeating: 0, count: 31)), shape: [31])
        }, ["/optimizer/optimizer/encoder.0.bias/exp_avg has shape [31], expected [32]"])
        expectRefused(try variant("rng-length") {
            $0.datasets["/training_state/model_rng"] = .init(values: .uint64([1, 2, 3]), shape: [3])
        }, ["random generator state"])
        expectRefused(try variant("history-length") {
            $0.datasets["/history/losses/kl"] = .init(values: .float64([1, 2]), shape: [2])
        }, ["history/losses/kl has 2 entries for 1 epochs"])
    }

    func testWrongType() throws {
        expectRefused(try variant("float64-weights") {
            $0.datasets["/weights/encoder.0.weight"]!.values = .float64($0.floats("/weights/encoder.0.weight").map(Double.init))
        }, ["/weights/encoder.0.weight", "expected float32, found float64"])
        expectRefused(try variant("float-step") {
            $0.datasets["/optimizer/optimizer/encoder.0.bias/step"] = .init(values: .float32([9]), shape: [])
        }, ["/optimizer/optimizer/encoder.0.bias/step", "expected int64, found float32"])
        expectRefused(try variant("int-rng") {
            $0.datasets["/training_state/model_rng"] = .init(values: .int64([1, 2, 3, 4]), shape: [4])
        }, ["/training_state/model_rng", "expected uint64, found int64"])
    }

    func testNonFiniteValues() throws {
        expectRefused(try variant("nan-weight") {
            var v = $0.floats("/weights/decoder.0.bias")
            v[5] = .nan
            $0.datasets["/weights/decoder.0.bias"]!.values = .float32(v)
        }, ["/weights/decoder.0.bias contains NaN or infinite values"])
        expectRefused(try variant("inf-moment") {
            var v = $0.floats("/optimizer/optimizer/encoder.2.weight/exp_avg_sq")
            v[0] = .infinity
            $0.datasets["/optimizer/optimizer/encoder.2.weight/exp_avg_sq"]!.values = .float32(v)
        }, ["/optimizer/optimizer/encoder.2.weight/exp_avg_sq contains NaN or infinite values"])
    }

    func testBadTrainingState() throws {
        expectRefused(try variant("negative-epoch") { $0.attributes["/training_state"]!["epoch"] = .int64(-1) }, ["negative counters"])
        expectRefused(try variant("negative-step") {
            $0.datasets["/optimizer/optimizer/encoder.0.bias/step"] = .init(values: .int64([-3]), shape: [])
        }, ["/optimizer/optimizer/encoder.0.bias/step: expected one integer from 0 to 2^53"])
        expectRefused(try variant("history-behind") { $0.attributes["/training_state"]!["epoch"] = .int64(50) },
                      ["history has 1 epochs, but training_state says 50 are done"])
        expectRefused(try variant("huge-step") {
            $0.datasets["/optimizer/optimizer/encoder.0.bias/step"] = .init(values: .int64([.max]), shape: [])
        }, ["/optimizer/optimizer/encoder.0.bias/step: expected one integer from 0 to 2^53"])
        expectRefused(try variant("nan-partial-seconds") { $0.attributes["/training_state"]!["partial_seconds"] = .double(.nan) },
                      ["training_state: partial_seconds is nan, expected a number of seconds"])
        expectRefused(try variant("endless-history") {
            $0.datasets["/history/seconds"] = .init(values: .float64(.init(repeating: 1, count: (1 << 20) + 1)), shape: [(1 << 20) + 1])
        }, ["/history/seconds has shape [1048577], far more entries than a checkpoint holds"])
        expectRefused(try variant("infinite-history-seconds") {
            $0.datasets["/history/seconds"] = .init(values: .float64([.infinity]), shape: [1])
        }, ["history/seconds holds inf, expected numbers of seconds"])
        expectRefused(try variant("dead-rng") {
            $0.datasets["/training_state/model_rng"] = .init(values: .uint64([0, 0, 0, 0]), shape: [4])
        }, ["training_state: random generator state is not four non-zero words"])
    }

    /// Counters and statistics no run could have saved (the fixture is at epoch 1, step 1 of
    /// batch 64, global step 3).
    func testCraftedStateBeyondWhatARunWrites() throws {
        expectRefused(try variant("huge-partial-images") { $0.attributes["/training_state"]!["partial_images"] = .int64(1 << 62) },
                      ["training_state: partial_images is 4611686018427387904, but 1 steps of batch 64 make 64"])
        expectRefused(try variant("odd-partial-images") { $0.attributes["/training_state"]!["partial_images"] = .int64(65) },
                      ["partial_images is 65, but 1 steps of batch 64 make 64"])
        expectRefused(try variant("huge-step-in-epoch") { $0.attributes["/training_state"]!["step_in_epoch"] = .int64(1 << 62) },
                      ["are beyond any run (at most 2^40)"])
        expectRefused(try variant("global-step-behind") { $0.attributes["/training_state"]!["global_step"] = .int64(1) },
                      ["training_state: global_step is 1, fewer than the 1 epochs and 1 steps it says are done"])
        expectRefused(try variant("infinite-loss-sum") {
            $0.datasets["/training_state/partial_loss_sums/kl"] = .init(values: .float64([.infinity]), shape: [])
        }, ["training_state/partial_loss_sums/kl is inf, expected a finite sum of losses"])
        expectRefused(try variant("negative-moment") {
            var v = $0.floats("/optimizer/optimizer/encoder.2.weight/exp_avg_sq")
            v[3] = -0.5
            $0.datasets["/optimizer/optimizer/encoder.2.weight/exp_avg_sq"]!.values = .float32(v)
        }, ["encoder.2.weight.exp_avg_sq holds -0.5, expected numbers >= 0 (a running mean of squares)"])
        // A negative exp_avg (a running mean of gradients) is normal.
        let signed = try variant("negative-first-moment") {
            var v = $0.floats("/optimizer/optimizer/encoder.2.weight/exp_avg")
            v[3] = -0.5
            $0.datasets["/optimizer/optimizer/encoder.2.weight/exp_avg"]!.values = .float32(v)
        }
        XCTAssertNoThrow(try CheckpointReader.load(signed))
    }

    func testNegativeRunningVarianceIsRefused() throws {
        let dcgan = path("dcgan.h5")
        try CheckpointWriter.save(try CheckpointFixtures.trained("dcgan", epochs: 1, limit: 64), to: dcgan)
        var broken = try CheckpointTree(reading: dcgan)
        let name = "/weights/generator.1.running_var"
        var v = broken.floats(name)
        v[2] = -1
        broken.datasets[name]!.values = .float32(v)
        let file = path("dcgan-negative-variance.h5")
        try broken.write(to: file)
        expectRefused(file, ["\(name) holds -1.0, expected variances >= 0"])
    }

    func testAutoencoderModelState() throws {
        let ae = path("ae.h5")
        try CheckpointWriter.save(try CheckpointFixtures.trained("ae", epochs: 1, limit: 128), to: ae)
        var broken = try CheckpointTree(reading: ae)
        broken.remove("/model_state/latent_covariance")
        let file = path("ae-broken.h5")
        try broken.write(to: file)
        expectRefused(file, ["model_state", "latent_covariance"])

        // The fixture's latent is 4: a covariance with a negative direction, and one not symmetric.
        let good = try CheckpointTree(reading: ae)
        for (name, matrix): (String, [Float]) in [("indefinite", [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
                                                   ("asymmetric", [1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])] {
            var crafted = good
            crafted.datasets["/model_state/latent_covariance"]!.values = .float32(matrix)
            let craftedFile = path("ae-\(name).h5")
            try crafted.write(to: craftedFile)
            expectRefused(craftedFile, ["latent_covariance is not a covariance matrix (symmetric and positive semi-definite)"])
        }
    }

    /// One byte of a weight's stored float data flipped in the file: Fletcher-32 catches it.
    func testChecksumMismatch() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        let weights = tree.floats("/weights/decoder.2.weight")
        let needle = weights.prefix(16).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let start = try XCTUnwrap(CheckpointBytes.find(needle, in: bytes), "the tensor's bytes are not in the file")
        XCTAssertNil(CheckpointBytes.find(needle, in: bytes, from: start + 1), "found twice")
        bytes[start + 4 * 1000 + 2] ^= 0x10
        let file = path("flipped.h5")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        expectRefused(file, ["/weights/decoder.2.weight", "checksum mismatch (data corrupted)"])
    }
}

enum CheckpointBytes {
    /// The first offset of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
