import ArgumentParser
import Foundation
import Zoo

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test-set metrics of a checkpoint (averaged per image), and the quality of a generative model's samples.",
        discussion: """
            Every model: its own test losses. A generative model: FID, KID, precision and recall of \
            --samples images against the test set, in the features of the dataset's classifier \
            (Checkpoints/classifier-DATASET.h5, or --classifier FILE), beside the same metrics for \
            real training images (the floor). A model with a likelihood (the VAE): an importance-weighted \
            bound on it. A classifier: its accuracy per class as a confusion matrix.
            """)

    @Argument(help: "A zoo checkpoint (.h5).")
    var checkpoint: String?
    @Option(help: ArgumentHelp("Score these images instead of a checkpoint's samples: a NumPy file (float32 in [0, 1] or uint8, [n, channels, height, width]) or a folder of PNG/JPEG images.", valueName: "file.npy|folder"))
    var images: String?
    @Option(help: "With --images: the dataset whose test set and classifier they are measured against (default: mnist).")
    var dataset: String?
    @OptionGroup var scoring: ScoringOptions
    @Option(help: ArgumentHelp("Importance samples per test image for the log-likelihood bound of models that have one (the VAE's IWAE); 0 skips it.", valueName: "K"))
    var iwaeSamples = Self.defaultIWAESamples
    @Option(help: "Draw a classifier's confusion matrix into this PNG.")
    var plot: String?
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    /// A few seconds for the 10,000 MNIST test images. On the published VAE the bound is 103.67
    /// nats with 1 sample (the ELBO's 103.76, up to noise), 100.64 with 10 and 99.49 with 100
    /// (30 s): larger K tighten it further, at proportional cost.
    static let defaultIWAESamples = 10

    func validate() throws {
        guard (checkpoint == nil) != (images == nil) else {
            throw ValidationError(checkpoint == nil ? "give a checkpoint, or --images FILE|FOLDER to score" : "give a checkpoint or --images, not both")
        }
        if dataset != nil, images == nil { throw ValidationError("--dataset goes with --images; a checkpoint knows its dataset") }
        if let plot { try OutputPath.checkImage(plot, flag: "--plot") }
        guard (0...100_000).contains(iwaeSamples) else { throw ValidationError("--iwae-samples must be between 0 and 100000, got \(iwaeSamples)") }
        guard (0...100_000).contains(scoring.samples) else { throw ValidationError("--samples must be between 0 and 100000, got \(scoring.samples)") }
        if (1..<10).contains(scoring.samples) { throw ValidationError("--samples must be 0 or at least 10 (the classifier score splits them ten ways), got \(scoring.samples)") }
    }

    func run() throws {
        compute.apply()
        if let images { return try score(images) }
        let file = CheckpointArgument(checkpoint: checkpoint ?? "")
        let run = try file.load()
        let classifierModel = run.model as? any ImageClassifier
        let generative = run.model as? any GenerativeModel
        let likelihood = run.model as? any LikelihoodModel
        if likelihood == nil, iwaeSamples != Self.defaultIWAESamples {
            throw ValidationError("--iwae-samples bounds the log-likelihood of models that have one; \(checkpoint ?? "") holds a \(run.modelType.name) model")
        }
        if plot != nil, classifierModel == nil {
            throw ValidationError("--plot draws a classifier's confusion matrix; \(checkpoint ?? "") holds a \(run.modelType.name) model")
        }
        if scoring.classifier != nil, generative == nil {
            throw ValidationError("--classifier scores a generative model's samples; \(checkpoint ?? "") holds a \(run.modelType.name) model")
        }
        let images = try data.load(for: run)
        let test = images.test
        var metrics = TrainingRun.evaluate(run.model, modelType: run.modelType, on: test, seed: run.settings.seed)
        if let likelihood, iwaeSamples > 0 {
            metrics["iwae_nll"] = -Self.meanBound(likelihood, samples: iwaeSamples, on: test, pixelRange: run.modelType.pixelRange, seed: run.settings.seed)
        }
        let confusion = classifierModel.map { ConfusionMatrix($0, on: test, pixelRange: run.modelType.pixelRange) }
        if let plot, let confusion {
            try ConfusionMatrixPlot(counts: confusion.counts, classNames: confusion.classNames,
                                    title: "\(run.modelType.name) on the \(run.settings.dataset) test set: accuracy \(Output.format(confusion.accuracy))").write(to: plot)
        }
        var quality: QualityReport?
        if let generative, scoring.samples > 0, let reference = try Self.referenceClassifier(for: run, given: scoring.classifier) {
            try reference.requireShape(run.imageShape, of: "\(checkpoint ?? "")'s images")
            quality = try QualityReport(of: generative, pixelRange: run.modelType.pixelRange, count: scoring.samples, seed: scoring.seed,
                                        test: test, train: images.train, classifier: reference)
        }

        if output.json {
            var report: [String: Any] = ["model": run.modelType.name, "epoch": run.epoch, "dataset": run.settings.dataset,
                                         "images": test.count, "metrics": metrics]
            if metrics["iwae_nll"] != nil { report["iwae_samples"] = iwaeSamples }
            if let confusion { report["confusion_matrix"] = ["classes": confusion.classNames, "counts": confusion.counts] }
            if let quality { report["quality"] = Self.json(quality, seed: scoring.seed) }
            Output.json(report)
            return
        }
        let steps = run.stepInEpoch > 0 ? " and \(plural(run.stepInEpoch, "step"))" : ""
        print("\(run.modelType.name) after \(plural(run.epoch, "epoch"))\(steps), \(run.settings.dataset) test set (\(test.count) images): \(Output.numbers(metrics))")
        if metrics["iwae_nll"] != nil {
            print("iwae_nll: −log p(x) in nats per image, bounded with \(plural(iwaeSamples, "importance sample")) per image (the loss is the −ELBO)")
        }
        if let quality { Self.printQuality(quality, seed: scoring.seed) }
        if let confusion { Self.printTable(confusion) }
        if let plot { print("wrote \(plot)") }
    }

    /// Scores images from anywhere (another library's samples) with exactly the metrics of a
    /// checkpoint's samples.
    func score(_ source: String) throws {
        let named = self.dataset ?? DatasetName.mnist.rawValue
        let dataset = try usageErrors { try DataOptions.dataset(named: named) }.rawValue
        let reference = try scoring.classifier.map { try ReferenceClassifier(path: $0) } ?? ReferenceClassifier.published(for: dataset)
        let generated = try ScoredImages.load(source, shape: reference.imageShape)
        let sets = try data.load(dataset)
        let description = try reference.describe(generated.batches, range: .unit)
        let quality = try QualityReport(generated: description, test: sets.test, train: sets.train, classifier: reference, seed: scoring.seed)
        if output.json {
            Output.json(["images": source, "dataset": dataset, "quality": Self.json(quality, seed: scoring.seed)])
        } else {
            print("\(Output.printable(source)): \(plural(generated.count, "image")) of \(reference.imageShape), scored against \(dataset)")
            Self.printQuality(quality, seed: scoring.seed, what: "images")
        }
    }

    /// `given` (--classifier), else the dataset's published one; nil (with a note) where there
    /// is none, so a model trained on a folder still gets its own metrics.
    static func referenceClassifier(for run: TrainingRun, given: String?) throws -> ReferenceClassifier? {
        if let given { return try ReferenceClassifier(path: given) }
        do {
            return try ReferenceClassifier.published(for: run.settings.dataset)
        } catch let error as ZooError {
            Output.note("note: no quality metrics: \(error.description)")
            return nil
        }
    }

    static func qualityNames(_ quality: SampleQuality) -> String {
        var parts = ["fid \(Output.format(quality.fid))", "kid \(Output.format(quality.kid)) ± \(Output.format(quality.kidStd))",
                     "precision \(Output.format(quality.precision))", "recall \(Output.format(quality.recall))",
                     "classifier score \(Output.format(quality.classifierScore)) ± \(Output.format(quality.classifierScoreStd))"]
        if let accuracy = quality.labelAccuracy { parts.append("label accuracy \(Output.format(accuracy))") }
        return parts.joined(separator: "  ")
    }

    static func printQuality(_ quality: QualityReport, seed: UInt64, what: String = "samples") {
        print("quality against the \(quality.referenceImages) test images, in the features of \(quality.classifierPath) (md5 \(quality.classifierMD5)):")
        let drawn = what == "samples" ? " (seed \(seed))" : ""
        print("  \(quality.samples.images) \(what)\(drawn): \(qualityNames(quality.samples))")
        print("  \(plural(quality.floor.images, "training image")) (the floor): \(qualityNames(quality.floor))")
    }

    static func json(_ quality: QualityReport, seed: UInt64) -> [String: Any] {
        ["classifier": ["path": quality.classifierPath, "md5": quality.classifierMD5],
         "reference_images": quality.referenceImages, "seed": seed,
         "samples": ["images": quality.samples.images, "metrics": quality.samples.metrics],
         "floor": ["images": quality.floor.images, "metrics": quality.floor.metrics]]
    }

    /// The mean log-likelihood bound over the test images, with its own seeded stream.
    static func meanBound(_ model: any LikelihoodModel, samples: Int, on test: ImageSet, pixelRange: PixelRange, seed: UInt64) -> Double {
        var generator = RandomGenerator(seed: seed ^ 0x1BAE)
        var sum = 0.0
        for images in test.batches(size: TrainingRun.evaluationBatchSize, range: pixelRange) {
            sum += model.logLikelihoodBound(images, samples: samples, generator: &generator).reduce(0, +)
        }
        return sum / Double(max(test.count, 1))
    }

    /// The matrix as a table: a row per true class, a column per predicted class.
    static func printTable(_ confusion: ConfusionMatrix) {
        let rowLabels = confusion.classNames.enumerated().map { $1 == String($0) ? $1 : "\($0) \(Output.printable($1))" }
        let nameWidth = min(max(rowLabels.map(\.count).max() ?? 0, 4), 20)
        let cellWidth = max(String(confusion.counts.joined().max() ?? 0).count, 3) + 1
        func pad(_ text: String, _ width: Int, left: Bool = true) -> String {
            let cut = String(text.prefix(width))
            let space = String(repeating: " ", count: width - cut.count)
            return left ? space + cut : cut + space
        }
        print("confusion matrix (rows: true class, columns: predicted)")
        print(pad("", nameWidth) + " " + confusion.classNames.indices.map { pad(String($0), cellWidth) }.joined() + "   recall")
        for (row, counts) in confusion.counts.enumerated() {
            let total = counts.reduce(0, +)
            let recall = total > 0 ? String(format: "%.4f", Double(counts[row]) / Double(total)) : "-"
            print(pad(rowLabels[row], nameWidth, left: false) + " " + counts.map { pad(String($0), cellWidth) }.joined() + "   " + recall)
        }
    }
}

/// How `zoo eval` and `zoo leaderboard` score a generative model's samples.
struct ScoringOptions: ParsableArguments {
    @Option(help: "Generated images to score, drawn with --seed (0 skips the quality metrics in eval).")
    var samples = 10_000
    @Option(help: "Random seed for the generated images and the metrics' subsets.", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(help: ArgumentHelp("The classifier checkpoint whose features score the images (default: the dataset's in Checkpoints/).", valueName: "file"))
    var classifier: String?
}
