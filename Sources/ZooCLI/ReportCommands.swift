import ArgumentParser
import Foundation
import Zoo

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the latent codes of test images.",
        discussion: "What a code means depends on the model (see `zoo list`); for the GAN it is an approximation found by gradient descent on z, and its reconstruction error is reported.")

    @OptionGroup var file: CheckpointArgument
    @Option(name: [.customShort("n"), .long], help: "How many test images (default 10, 5000 with --plot, all with --out).")
    var count: Int?
    @Flag(help: "Also print what else the model knows about each code (the VAE's log-variance). The GAN's reconstruction error is always shown.")
    var details = false
    @Option(help: "Write a scatter plot of the first two latent dimensions, colored by label, to this PNG instead of printing.")
    var plot: String?
    @Option(help: "Write the codes to this NumPy file (float32 [n, latent size]) instead of printing.")
    var out: String?
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-n must be at least 1, got \(count)") }
        if let plot { try OutputPath.checkImage(plot, flag: "--plot") }
        if let out { try OutputPath.checkNumPy(out, flag: "--out") }
        if plot != nil, out != nil { throw ValidationError("--plot and --out each replace the printed codes; give one") }
    }

    func run() throws {
        compute.apply()
        let wanted = count ?? (plot != nil ? 5000 : out != nil ? Int.max : 10)
        let run = try file.load()
        let model = try run.model(as: (any GenerativeModel).self, for: .encode)
        let test = try data.load(for: run).test
        if count != nil { try requireTestImages(wanted, in: test, dataset: run.settings.dataset) }
        let n = min(wanted, test.count)
        let images = test.tensor(0..<n, range: run.modelType.pixelRange)
        // A conditional model encodes each image given its own label.
        let labels = test.labels.prefix(n).map(Int.init)
        if let out {
            let codes = model.encodeDetails(images, labels: labels)["z"]!
            try NumPyArray(shape: codes.shape, values: codes.scalars).write(to: out)
            print("wrote \(Output.printable(out)): \(plural(n, "code")) \(codes.shape) float32 of \(run.settings.dataset) test images (\(type(of: model).encodeDescription))")
            return
        }
        if let plot {
            let z = model.encodeDetails(images, labels: labels)["z"]!.scalars, d = model.latentSize
            guard d >= 2 else { throw ValidationError("--plot needs a latent space of at least 2 dimensions; \(file.checkpoint) has \(d)") }
            let dataset = DatasetName(rawValue: run.settings.dataset)
            try ScatterPlot(xs: (0..<n).map { Double(z[$0 * d]) }, ys: (0..<n).map { Double(z[$0 * d + 1]) },
                            labels: test.labels.prefix(n).map(Int.init), classNames: dataset?.classNames,
                            title: "\(run.modelType.name) latent space: \(n) test images\(d > 2 ? " (first 2 of \(d) dimensions)" : "")", xLabel: "z[0]", yLabel: "z[1]").write(to: plot)
            print("wrote \(plot) (\(n) test images\(d > 2 ? ", first 2 of \(d) dimensions" : ""))")
            return
        }
        let encoded = model.encodeDetails(images, labels: labels)
        let shown = encoded.filter { details || $0.key == "z" || $0.key == "reconstruction_mse" }
        func row(_ tensor: Tensor, _ i: Int) -> [Float] {
            let width = tensor.count / n
            return Array(tensor.scalars[(i * width)..<((i + 1) * width)])
        }
        // A code is a vector even of size 1; an extra with one value per image (the GAN's
        // reconstruction error) is a number.
        func isNumber(_ key: String) -> Bool { key != "z" && shown[key]!.count == n }
        if output.json {
            Output.json([
                "model": run.modelType.name, "meaning": type(of: model).encodeDescription,
                "images": (0..<n).map { i -> [String: Any] in
                    var entry: [String: Any] = ["index": i, "label": Int(test.labels[i])]
                    for (key, tensor) in shown {
                        let values = row(tensor, i).map(Double.init)
                        entry[key] = isNumber(key) ? values[0] as Any : values as Any
                    }
                    return entry
                },
            ])
            return
        }
        print("\(run.modelType.name) codes: \(type(of: model).encodeDescription)")
        for i in 0..<n {
            let parts = shown.keys.sorted { $0 == "z" ? true : ($1 == "z" ? false : $0 < $1) }.map { key in
                let values = row(shown[key]!, i).map { String(format: "%.3f", $0) }
                return isNumber(key) ? "\(key) \(values[0])" : "\(key) [" + values.joined(separator: ", ") + "]"
            }
            print("test image \(i) (label \(test.labels[i])): " + parts.joined(separator: "  "))
        }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the registered models, their defaults and verbs.")

    @OptionGroup var output: OutputOptions

    func run() throws {
        let models = ModelRegistry.all
        if output.json {
            Output.json(models.map { model -> [String: Any] in
                var entry: [String: Any] = [
                    "name": model.name, "summary": model.summary, "pixel_range": model.pixelRange.rawValue,
                    "verbs": Verb.offered(by: model).map(\.rawValue),
                    "hyperparameters": jsonObject(model.defaultHyperparametersJSON),
                    "training": jsonObject(JSONText.encode(model.defaultTraining))]
                for (key, value) in Self.abilities(of: model) { entry[key] = value }
                return entry
            })
            return
        }
        let width = max(5, (models.map { $0.name.count }.max() ?? 0) + 1)
        let indent = String(repeating: " ", count: width + 1)
        for model in models {
            let t = model.defaultTraining
            print("\(model.name.padding(toLength: width, withPad: " ", startingAt: 0)) \(model.summary)")
            print("\(indent)hyper-parameters \(model.defaultHyperparametersJSON)")
            print("\(indent)training         epochs \(t.epochs), batch \(t.batchSize), lr \(t.learningRate), betas (\(t.beta1), \(t.beta2)), pixels in \(model.pixelRange)")
            for (key, value) in Self.abilities(of: model) { print("\(indent)\(key.padding(toLength: 16, withPad: " ", startingAt: 0)) \(value)") }
            print("\(indent)verbs            \(Verb.offered(by: model).map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// What a model's capabilities add to its description: what its codes or features are.
    static func abilities(of model: any TrainableModel.Type) -> [(String, String)] {
        var lines: [(String, String)] = []
        if let generative = model as? any GenerativeModel.Type { lines.append(("encode", generative.encodeDescription)) }
        if let classifier = model as? any ImageClassifier.Type { lines.append(("features", classifier.featureDescription)) }
        return lines
    }
}

func jsonObject(_ text: String) -> Any { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? text }

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Show which datasets are found where, with counts and checksums.",
        discussion: "With --data FOLDER of your own images: its classes, how many images each has, their sizes, and the files that are not usable images.")

    @OptionGroup var data: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        if let folder = data.data, data.isImageFolder { return try survey(folder) }
        let infos = DatasetInfo.gatherAll(dataDirectory: data.data)
        if output.json {
            Output.json(infos.map { info -> [String: Any] in
                var entry: [String: Any] = ["name": info.name.rawValue, "available": info.available, "searched": info.places.map(\.path)]
                if let directory = info.directory { entry["directory"] = directory }
                if let error = info.error { entry["error"] = error }
                if info.available {
                    entry["train"] = info.trainCount
                    entry["test"] = info.testCount
                    entry["image_size"] = [info.rows, info.cols]
                    entry["files"] = info.files.map { ["path": $0.path, "md5": $0.md5, "md5_matches_known": $0.matchesKnown as Any] }
                }
                return entry
            })
            return
        }
        for info in infos {
            guard info.available, let directory = info.directory else {
                print("\(info.name.rawValue): \(info.error ?? "not found")")
                continue
            }
            print("\(info.name.rawValue): \(directory)")
            print("  train \(info.trainCount) images, test \(info.testCount), \(info.rows)x\(info.cols) pixels")
            for f in info.files {
                let check = f.matchesKnown.map { $0 ? "ok" : "MISMATCH" } ?? "no reference"
                print("  \((f.path as NSString).lastPathComponent)  md5 \(f.md5) (\(check))")
            }
        }
    }

    /// A folder of the user's own images: classes, counts, sizes, unusable files.
    private func survey(_ folder: String) throws {
        let survey = try ImageFolder.survey(folder)
        let names = survey.classNames.isEmpty ? ["(unlabelled)"] : survey.classNames
        if output.json {
            Output.json([
                "folder": survey.directory, "images": survey.imageCount,
                "classes": zip(names, survey.counts).map { ["name": $0, "images": $1] as [String: Any] },
                "smallest": [survey.smallest.width, survey.smallest.height], "largest": [survey.largest.width, survey.largest.height],
                "colour_images": survey.colourImages,
                "skipped": survey.skipped.map { ["path": $0.path, "reason": $0.reason] },
            ])
            return
        }
        print("\(Output.printable(folder)): \(plural(survey.imageCount, "image")) in \(survey.classNames.isEmpty ? "one unlabelled set" : "\(names.count) class\(names.count == 1 ? "" : "es")")")
        for (name, count) in zip(names, survey.counts) { print("  \(Output.printable(name).padding(toLength: 16, withPad: " ", startingAt: 0)) \(count)") }
        let colour = survey.colourImages == survey.imageCount ? "all in colour"
            : survey.colourImages == 0 ? "all gray" : "\(survey.colourImages) in colour, the rest gray"
        print("  sizes \(survey.smallest.width)x\(survey.smallest.height) to \(survey.largest.width)x\(survey.largest.height) pixels, \(colour)")
        for skipped in survey.skipped { print("  \(Output.printable(skipped.description))") }
        if !survey.skipped.isEmpty { print("  \(plural(survey.skipped.count, "file")) skipped") }
    }
}
