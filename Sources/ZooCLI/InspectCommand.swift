import ArgumentParser
import Foundation
import Zoo

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what a checkpoint holds: model, settings, progress, history, every tensor.")

    @OptionGroup var file: CheckpointArgument
    @OptionGroup var output: OutputOptions
    @Option(help: "Also plot the training and test losses per epoch into this PNG.")
    var plot: String?

    func validate() throws {
        if let plot { try OutputPath.checkImage(plot, flag: "--plot") }
    }

    func run() throws {
        let contents = try CheckpointReader.inspect(file.checkpoint)
        let (run, origin, tensors) = (contents.run, contents.origin, contents.tensors)
        if let plot { try plotHistory(run, to: plot) }
        let parameterCount = run.model.namedParameters.reduce(0) { $0 + $1.parameter.value.count }
        if output.json {
            Output.json([
                "model": run.modelType.name,
                "hyperparameters": jsonObject(run.model.hyperparametersJSON),
                "training": jsonObject(JSONText.encode(run.settings)),
                "epoch": run.epoch, "step_in_epoch": run.stepInEpoch, "global_step": run.globalStep,
                "parameters": parameterCount,
                "format_version": origin.formatVersion, "zoo_version": origin.zooVersion as Any, "created": origin.created as Any,
                "image_shape": run.imageShape.dimensions,
                "classes": run.classNames,
                "history": run.history.map { ["epoch": $0.epoch, "losses": $0.losses, "metrics": $0.metrics, "seconds": $0.seconds] },
                "tensors": tensors.map { ["path": $0.path, "shape": $0.shape, "type": $0.type, "bytes": $0.storedBytes] },
            ])
            return
        }
        print("\(file.checkpoint): \(run.modelType.name) — \(run.modelType.summary)")
        print("written           by zoo \(origin.zooVersion ?? "?") at \(origin.created ?? "?") (format version \(origin.formatVersion)), for \(run.imageShape) images")
        print("hyper-parameters  \(run.model.hyperparametersJSON)")
        print("training          \(JSONText.encode(run.settings))")
        let position = run.stepInEpoch > 0 ? ", plus \(run.stepInEpoch) steps of epoch \(run.epoch + 1)" : ""
        print("progress          \(run.epoch)/\(run.settings.epochs) epochs\(position) (\(run.globalStep) steps)")
        print("parameters        \(parameterCount) in \(run.model.namedParameters.count) tensors")
        if !run.history.isEmpty {
            print("history")
            for record in run.history {
                print("  epoch \(String(record.epoch).padding(toLength: 3, withPad: " ", startingAt: 0)) train \(Output.numbers(record.losses))  |  test \(Output.numbers(record.metrics))  |  \(Output.duration(record.seconds))")
            }
        }
        print("tensors")
        // Columns as wide as their widest entry (padding(toLength:) would cut a longer one short).
        func column(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        let shapes = tensors.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" }
        let (pathWidth, typeWidth) = (tensors.map(\.path.count).max() ?? 0, tensors.map(\.type.count).max() ?? 0)
        let shapeWidth = shapes.map(\.count).max() ?? 0
        for (t, shape) in zip(tensors, shapes) {
            print("  \(column(t.path, pathWidth))  \(column(t.type, typeWidth))  \(column(shape, shapeWidth))  \(t.storedBytes) bytes")
        }
    }
}

/// Train and test curves of every loss the model reports, one line each.
func plotHistory(_ run: TrainingRun, to path: String) throws {
    guard !run.history.isEmpty else { throw ZooError("no finished epoch to plot yet") }
    var chart = LinePlot(title: "\(run.modelType.name) on \(run.settings.dataset)", xLabel: "epoch", yLabel: "loss")
    let epochs = run.history.map { Double($0.epoch) }
    let names = Set(run.history.flatMap { $0.losses.keys }).filter { !["d_real", "d_fake", "bce", "kl"].contains($0) }.sorted()
    for name in names {
        chart.add("train \(name)", xs: epochs, ys: run.history.map { $0.losses[name] ?? .nan })
        if run.history.allSatisfy({ $0.metrics[name] != nil }) {
            chart.add("test \(name)", xs: epochs, ys: run.history.map { $0.metrics[name]! })
        }
    }
    try chart.write(to: path)
    print("wrote \(path)")
}
