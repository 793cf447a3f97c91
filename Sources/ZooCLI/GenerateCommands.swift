import ArgumentParser
import Foundation
import Zoo

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw new images from a trained model into a PNG grid.")

    @OptionGroup var file: CheckpointArgument
    @Option(name: [.customShort("n"), .long], help: "How many images.")
    var count = 64
    @Option(help: "PNG file to write, or a .npy file: the images as float32 [n, channels, height, width] in [0, 1].")
    var out = "samples.png"
    @Option(help: "Random seed for the draw.", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(help: "Images per grid row (with --label all: per class).")
    var nrow = 8
    @OptionGroup var labelOption: LabelOption
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (1...Self.maximumCount).contains(count) else { throw ValidationError("-n must be between 1 and \(Self.maximumCount), got \(count)") }
        guard nrow >= 1 else { throw ValidationError("--nrow must be at least 1, got \(nrow)") }
        if OutputPath.isNumPy(out) { try OutputPath.checkNumPy(out, flag: "--out") } else { try OutputPath.checkImage(out, flag: "--out") }
    }

    /// A 100×100 grid, already 2,800 pixels wide.
    static let maximumCount = 10_000

    func run() throws {
        compute.apply()
        let run = try file.load()
        let model = try run.model(as: (any GenerativeModel).self, for: .sample)
        var generator = RandomGenerator(seed: seed)
        let choice = try labelOption.choice(for: run, model: model, file: file.checkpoint)
        // --label all: one row of `nrow` draws per class, the rows named after the classes.
        let labels: [Int]? = switch choice {
        case .one(let label): Array(repeating: label, count: count)
        case .all: run.classNames.indices.flatMap { Array(repeating: $0, count: nrow) }
        case nil: nil
        }
        let images = model.sample(labels?.count ?? count, labels: labels, generator: &generator)
        if OutputPath.isNumPy(out) {
            try Output.writeNumPy(images, range: run.modelType.pixelRange, to: out)
        } else {
            try Output.writeGrid(images, shape: run.imageShape, range: run.modelType.pixelRange, nrow: nrow,
                                 rowNames: choice == .all ? run.classNames : nil, to: out)
        }
    }
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn latent vectors into images.",
        discussion: "Give vectors with --z (repeatable), or --manifold N for an N×N sweep of a 2-D latent space.")

    @OptionGroup var file: CheckpointArgument
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("A latent vector, comma-separated (repeatable); may start with a minus sign.", valueName: "z1,z2,..."))
    var z: [String] = []
    @Option(help: "Decode an N×N grid over [-range, range]² (2-D latent spaces only).")
    var manifold: Int?
    @Option(parsing: .unconditional, help: "Half-width of the --manifold sweep (positive; default 3).")
    var range: Float?
    @Option(help: "PNG file to write.")
    var out = "decoded.png"
    @OptionGroup var labelOption: LabelOption
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let manifold {
            guard z.isEmpty else { throw ValidationError("give either --z or --manifold, not both") }
            guard (2...64).contains(manifold) else { throw ValidationError("--manifold must be in 2...64, got \(manifold)") }
            if let range, !(range > 0 && range.isFinite) { throw ValidationError("--range must be a positive number, got \(range)") }
        } else if range != nil {
            throw ValidationError("--range sets the --manifold sweep; it has no effect on --z vectors")
        }
        _ = try vectors()
        try OutputPath.checkImage(out, flag: "--out")
    }

    /// The --z vectors as numbers.
    private func vectors() throws -> [[Float]] {
        try z.enumerated().map { i, text in
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.allSatisfy({ $0 != nil && $0!.isFinite }) else {
                throw ValidationError("latent vector \(i + 1) ('\(text)') must be finite numbers separated by commas")
            }
            return parts.map { $0! }
        }
    }

    func run() throws {
        compute.apply()
        let run = try file.load()
        let model = try run.model(as: (any GenerativeModel).self, for: .decode)
        let size = model.latentSize
        let latents: Tensor
        var nrow = 8
        if let manifold {
            guard size == 2 else { throw ValidationError("--manifold needs a 2-D latent space; \(file.checkpoint) has latent size \(size)") }
            let range = self.range ?? 3
            let steps = (0..<manifold).map { -range + 2 * range * Float($0) / Float(manifold - 1) }
            // Rows run from +range at the top down to -range, columns left to right, as in a plot.
            latents = Tensor(shape: [manifold * manifold, 2], steps.reversed().flatMap { y in steps.flatMap { x in [x, y] } })
            nrow = manifold
        } else {
            guard !z.isEmpty else { throw ValidationError("give at least one --z vector (latent size \(size)) or --manifold N") }
            let vectors = try vectors()
            if let i = vectors.firstIndex(where: { $0.count != size }) {
                throw ValidationError("latent vector \(i + 1) has \(plural(vectors[i].count, "value")); \(file.checkpoint) (\(run.modelType.name)) expects \(size)")
            }
            latents = Tensor(shape: [z.count, size], vectors.flatMap { $0 })
        }
        // --label all: the vectors once per class, a row (or a manifold) each, named.
        let choice = try labelOption.choice(for: run, model: model, file: file.checkpoint)
        let (codes, labels): (Tensor, [Int]?) = switch choice {
        case .one(let label): (latents, Array(repeating: label, count: latents.shape[0]))
        case .all: (Tensor.concatenate(firstAxis: Array(repeating: latents, count: run.classNames.count)),
                    run.classNames.indices.flatMap { Array(repeating: $0, count: latents.shape[0]) })
        case nil: (latents, nil)
        }
        let images = model.decode(codes, labels: labels)
        try Output.writeGrid(images, shape: run.imageShape, range: run.modelType.pixelRange, nrow: choice == .all ? latents.shape[0] : nrow,
                             rowNames: choice == .all && manifold == nil ? run.classNames : nil, to: out)
    }
}

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode and decode test images; write originals and reconstructions side by side.",
        discussion: "Rows alternate: originals, then their reconstructions.")

    @OptionGroup var file: CheckpointArgument
    @Option(name: [.customShort("n"), .long], help: "How many test images.")
    var count = 32
    @Option(help: "PNG file to write.")
    var out = "reconstruction.png"
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("-n must be at least 1, got \(count)") }
        try OutputPath.checkImage(out, flag: "--out")
    }

    func run() throws {
        compute.apply()
        let run = try file.load()
        let model = try run.model(as: (any GenerativeModel).self, for: .reconstruct)
        let test = try data.load(for: run).test
        try requireTestImages(count, in: test, dataset: run.settings.dataset)
        let images = test.tensor(0..<count, range: run.modelType.pixelRange)
        // A conditional model reconstructs each image given its own label.
        let reconstructed = model.reconstruct(images, labels: test.labels.prefix(count).map(Int.init))
        let n = images.shape[0], pixels = run.imageShape.elementCount, width = min(8, n)
        let originals = images.scalars, outputs = reconstructed.scalars
        // Rows alternate: originals, their reconstructions, the next originals, ...; a last
        // partial row is padded with black images so pairs stay one above the other.
        let blank = [Float](repeating: run.modelType.pixelRange.bounds.lowerBound, count: pixels)
        var sheet: [Float] = []
        for start in stride(from: 0, to: n, by: width) {
            let block = (start * pixels)..<(min(start + width, n) * pixels)
            let padding = Array(repeating: blank, count: width - block.count / pixels).flatMap { $0 }
            sheet += originals[block] + padding
            sheet += outputs[block] + padding
        }
        let rows = sheet.count / pixels
        let mse = ((reconstructed - images) * (reconstructed - images)).sum() / Float(images.count)
        try Output.writeGrid(Tensor(shape: run.imageShape.batch(rows), sheet), shape: run.imageShape, range: run.modelType.pixelRange, nrow: width, to: out)
        print("reconstruction mse \(Output.format(Double(mse))) over \(n) test images (pixels in \(run.modelType.pixelRange))")
    }
}
