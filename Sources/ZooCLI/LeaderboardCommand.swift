import ArgumentParser
import Foundation
import Zoo

/// The zoo's leaderboard: one Markdown table row per checkpoint, with the same metrics `zoo
/// eval` reports, and a row per dataset for the floor (real training images) the samples are
/// measured against.
struct Leaderboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A Markdown table of checkpoints: model, data, size, training, test metrics and sample quality.",
        discussion: "zoo leaderboard Checkpoints/*.h5 > table.md. Every number comes from the checkpoints and data; each generative model's samples are scored like `zoo eval` does, in its dataset's classifier's features.")

    @Argument(help: "Zoo checkpoints (.h5).")
    var checkpoints: [String]
    @OptionGroup var scoring: ScoringOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint") }
        guard (10...100_000).contains(scoring.samples) else { throw ValidationError("--samples must be between 10 and 100000, got \(scoring.samples)") }
    }

    func run() throws {
        compute.apply()
        var rows: [[String]] = []
        var floors: [String: (row: [String], classifier: String)] = [:]
        for path in checkpoints {
            let run = try CheckpointReader.load(path)
            let images = try data.load(for: run)
            let metrics = TrainingRun.evaluate(run.model, modelType: run.modelType, on: images.test, seed: run.settings.seed)
            let parameters = run.model.namedParameters.reduce(0) { $0 + $1.parameter.value.count }
            let training = run.history.reduce(0) { $0 + $1.seconds } + run.partialSeconds
            var row = [(path as NSString).lastPathComponent, run.modelType.name, Output.printable(run.settings.dataset),
                       Self.thousands(parameters), String(run.epoch), Output.duration(training), Output.numbers(metrics)]
            if let model = run.model as? any GenerativeModel, let classifier = try Eval.referenceClassifier(for: run, given: scoring.classifier) {
                try classifier.requireShape(run.imageShape, of: "\(path)'s images")
                let quality = try QualityReport(of: model, pixelRange: run.modelType.pixelRange, count: scoring.samples, seed: scoring.seed,
                                                test: images.test, train: images.train, classifier: classifier)
                row += Self.scores(quality.samples)
                let name = "\((classifier.path as NSString).lastPathComponent) (md5 \(classifier.md5.prefix(8)))"
                floors[run.settings.dataset] = (["(training images)", "floor", Output.printable(run.settings.dataset), "", "", "", ""]
                                                + Self.scores(quality.floor), name)
            } else {
                row += ["", "", "", "", ""]
            }
            rows.append(row)
        }
        print("| checkpoint | model | dataset | parameters | epochs | training time | test metrics | FID | KID | precision | recall | label accuracy |")
        print("|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|")
        for row in rows + floors.keys.sorted().map({ floors[$0]!.row }) {
            print("| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        print("")
        for dataset in floors.keys.sorted() {
            print("FID, KID, precision and recall on \(dataset): \(plural(scoring.samples, "image")) (seed \(scoring.seed)) against the test set, in the features of \(floors[dataset]!.classifier); label accuracy: the share of a conditional model's samples that it classifies as the class they were drawn for.")
        }
    }

    static func scores(_ quality: SampleQuality) -> [String] {
        [Output.format(quality.fid), "\(Output.format(quality.kid)) ± \(Output.format(quality.kidStd))",
         Output.format(quality.precision), Output.format(quality.recall), quality.labelAccuracy.map(Output.format) ?? ""]
    }

    /// 1234567 → "1,234,567".
    static func thousands(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, d in (i > 0 && (digits.count - i) % 3 == 0 ? [","] : []) + [d] })
    }
}
