import Foundation
import XCTest
import ZooHDF5
import ZooModels

/// A checkpoint made by another program, the way Checkpoints/python/export_from_pytorch.py
/// writes one (PyTorch names and shapes, zero optimizer state at step 0, epoch 0, empty
/// history), loads, samples and resumes training. torch is not available here, so the file is
/// written through ZooHDF5 following the script line by line.
final class CheckpointInteropTests: CheckpointTestCase {
    /// The state_dict names and shapes of the reference PyTorch modules (load_into_pytorch.py's
    /// `expected_shapes`): nn.Sequential stacks with Linear layers at even indices.
    static func pytorchShapes(_ model: String, hidden: [Int], latent: Int, imageSize: Int = 784) -> [(String, [Int])] {
        let stacks: [(String, [Int])]
        switch model {
        case "ae": stacks = [("encoder", [imageSize] + hidden + [latent]), ("decoder", [latent] + hidden.reversed() + [imageSize])]
        case "vae": stacks = [("encoder", [imageSize] + hidden + [2 * latent]), ("decoder", [latent] + hidden.reversed() + [imageSize])]
        default: stacks = [("generator", [latent] + hidden + [imageSize]), ("discriminator", [imageSize] + hidden.reversed() + [1])]
        }
        return stacks.flatMap { module, widths in
            zip(widths, widths.dropFirst()).enumerated().flatMap { i, layer in
                [("\(module).\(2 * i).weight", [layer.1, layer.0]), ("\(module).\(2 * i).bias", [layer.1])]
            }
        }
    }

    static let hyperparameters: [String: (json: String, hidden: [Int], latent: Int)] = [
        "ae": (#"{"hidden":[32],"latent":4}"#, [32], 4),
        "vae": (#"{"hidden":[32],"latent":4}"#, [32], 4),
        "gan": (#"{"hidden":[16,32],"inversionSteps":5,"latent":8,"leakySlope":0.2}"#, [16, 32], 8),
    ]

    /// export_from_pytorch.py's `export`, with weights drawn like nn.Linear's initialisation.
    static func exportedTree(_ model: String, seed: UInt64 = 0) -> (tree: CheckpointTree, weights: [String: [Float]]) {
        let h = hyperparameters[model]!
        let shapes = pytorchShapes(model, hidden: h.hidden, latent: h.latent)
        var tree = CheckpointTree()
        tree.attributes["/"] = [
            "format": .string("zoo-checkpoint"), "format_version": .int64(1), "model": .string(model),
            "hyperparameters": .string(h.json),
            "training": .string(#"{"batchSize":64,"beta1":0.5,"beta2":0.999,"dataset":"mnist","epochs":2,"learningRate":0.0002,"limit":256,"seed":\#(seed)}"#),
            "zoo_version": .string("0.1.0"), "created": .string("2026-01-31T12:00:00Z"),
            "image_rows": .int64(28), "image_columns": .int64(28),
        ]
        var generator = RandomGenerator(seed: 99)
        var weights: [String: [Float]] = [:]
        tree.groups.insert("/weights")
        var fanIn = 1
        for (name, shape) in shapes {
            if shape.count == 2 { fanIn = shape[1] }  // a bias follows its weight
            let bound = 1 / Float(fanIn).squareRoot()
            let values = (0..<shape.reduce(1, *)).map { _ in (generator.uniform() * 2 - 1) * bound }
            weights[name] = values
            tree.datasets["/weights/\(name)"] = .init(values: .float32(values), shape: shape)
        }
        tree.groups.insert("/model_state")
        if model == "ae" {
            let d = h.latent
            tree.datasets["/model_state/latent_mean"] = .init(values: .float32(.init(repeating: 0, count: d)), shape: [d])
            tree.datasets["/model_state/latent_covariance"] = .init(values: .float32((0..<(d * d)).map { $0 % (d + 1) == 0 ? 1 : 0 }), shape: [d, d])
        }
        let optimizers: [(String, String)] = model == "gan" ? [("generator", "generator."), ("discriminator", "discriminator.")] : [("optimizer", "")]
        tree.groups.insert("/optimizer")
        for (optimizer, prefix) in optimizers {
            tree.groups.insert("/optimizer/\(optimizer)")
            for (name, shape) in shapes where name.hasPrefix(prefix) {
                let group = "/optimizer/\(optimizer)/\(name)"
                tree.groups.insert(group)
                let zeros = [Float](repeating: 0, count: shape.reduce(1, *))
                tree.datasets[group + "/exp_avg"] = .init(values: .float32(zeros), shape: shape)
                tree.datasets[group + "/exp_avg_sq"] = .init(values: .float32(zeros), shape: shape)
                tree.datasets[group + "/step"] = .init(values: .int64([0]), shape: [])
            }
        }
        tree.groups.formUnion(["/training_state", "/training_state/partial_loss_sums", "/history", "/history/losses", "/history/metrics"])
        tree.attributes["/training_state"] = ["epoch": .int64(0), "step_in_epoch": .int64(0), "global_step": .int64(0),
                                              "partial_images": .int64(0), "partial_seconds": .double(0)]
        tree.datasets["/training_state/model_rng"] = .init(values: .uint64(RandomGenerator(seed: seed).state), shape: [4])
        tree.datasets["/training_state/data_rng"] = .init(values: .uint64(RandomGenerator(seed: seed ^ 0x5EED_DA7A).state), shape: [4])
        tree.datasets["/history/epoch"] = .init(values: .int64([]), shape: [0])
        tree.datasets["/history/seconds"] = .init(values: .float64([]), shape: [0])
        return (tree, weights)
    }

    /// export_from_pytorch.py's `random_state` (SplitMix64 in Python) printed these words for
    /// seeds 0 and 0 ^ 0x5EEDDA7A; zoo's generator must agree.
    func testPythonRandomStateMatchesZoo() {
        XCTAssertEqual(RandomGenerator(seed: 0).state, [16294208416658607535, 7960286522194355700, 487617019471545679, 17909611376780542444])
        XCTAssertEqual(RandomGenerator(seed: 0x5EED_DA7A).state, [6828191421449455461, 15317173404821005685, 8116048896478061640, 7731396288829282443])
    }

    func testForeignCheckpointLoadsSamplesAndResumes() throws {
        let data = try CheckpointFixtures.data(train: 256)
        for model in ["ae", "vae", "gan"] {
            // h5py without fletcher32 writes contiguous datasets; the script asks for Fletcher-32.
            for checksum in [true, false] {
                let (tree, weights) = Self.exportedTree(model)
                let file = path("\(model)-\(checksum).h5")
                try tree.write(to: file, options: HDF5WriteOptions(checksum: checksum))
                let run = try CheckpointReader.load(file)

                XCTAssertEqual(run.modelType.name, model)
                XCTAssertEqual([run.epoch, run.stepInEpoch, run.globalStep], [0, 0, 0])
                XCTAssertTrue(run.history.isEmpty)
                for (name, parameter) in run.model.namedParameters {
                    XCTAssertEqual(parameter.value.scalars, weights[name], "\(model): \(name)")
                }
                for (_, optimizer) in run.optimizers {
                    for (key, tensor) in optimizer.state { XCTAssertTrue(tensor.scalars.allSatisfy { $0 == 0 }, "\(model): \(key)") }
                }
                XCTAssertEqual(run.modelGenerator, RandomGenerator(seed: 0))

                var generator = RandomGenerator(seed: 1)
                let images = run.generative.sample(16, generator: &generator)
                XCTAssertEqual(images.shape, [16, 1, 28, 28])
                XCTAssertTrue(images.isFinite)
                let bounds = run.modelType.pixelRange.bounds
                XCTAssertTrue(images.scalars.allSatisfy { bounds.contains($0) }, model)

                // zoo resume: one epoch of training from the foreign weights, then a normal save/load.
                try run.trainEpoch(train: data.train, test: data.test)
                XCTAssertEqual(run.history.count, 1)
                let saved = path("\(model)-resumed.h5")
                try CheckpointWriter.save(run, to: saved)
                CheckpointCompare.assertIdentical(run, try CheckpointReader.load(saved), timing: true, "\(model) resumed from foreign file")
            }
        }
    }

    /// The weights mean what PyTorch means: Linear weight [out, in] applied as x·Wᵀ + b. The
    /// VAE's decode, recomputed by hand from the stored arrays, matches the model's.
    func testPytorchLayoutIsInterpretedAsPytorchDoes() throws {
        let (tree, weights) = Self.exportedTree("vae")
        let file = path("vae.h5")
        try tree.write(to: file)
        let model = try CheckpointReader.loadModel(file)
        let z: [Float] = [0.5, -1, 0.25, 2]
        let decoded = model.decode(Tensor(shape: [1, 4], z)).scalars

        func linear(_ x: [Float], _ name: String, inputs: Int, outputs: Int) -> [Float] {
            let w = weights[name + ".weight"]!, b = weights[name + ".bias"]!
            return (0..<outputs).map { o in (0..<inputs).reduce(b[o]) { $0 + w[o * inputs + $1] * x[$1] } }
        }
        let hidden = linear(z, "decoder.0", inputs: 4, outputs: 32).map { max($0, 0) }
        let expected = linear(hidden, "decoder.2", inputs: 32, outputs: 784).map { 1 / (1 + exp(-$0)) }
        XCTAssertEqual(decoded.count, expected.count)
        let worst = zip(decoded, expected).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst, 1e-5)
    }
}
