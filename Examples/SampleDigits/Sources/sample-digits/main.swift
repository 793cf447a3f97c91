// sample-digits CHECKPOINT.h5 OUT.png: 64 new images from a zoo checkpoint, as an 8×8 PNG grid.
import Foundation
import ZooModels

func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("sample-digits: \(message)\n".utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, !arguments.contains(where: { $0.hasPrefix("-") }) else {
    fail("usage: sample-digits CHECKPOINT.h5 OUT.png (got \(arguments.count) arguments)", status: 2)
}
do {
    ModelRegistry.register(builtinModels)
    let model = try CheckpointReader.loadModel(arguments[0])
    var generator = RandomGenerator(seed: 0)
    let images = model.sample(64, generator: &generator)
    // The built-in datasets have square images (28×28).
    let side = Int(Double(images.shape[1]).squareRoot().rounded())
    guard side * side == images.shape[1] else { fail("\(arguments[0]): images of \(images.shape[1]) pixels are not square") }
    let grid = ImageGrid.make(images: images.scalars, count: 64, rows: side, cols: side,
                              range: type(of: model).pixelRange.bounds, nrow: 8)
    try grid.writePNG(to: arguments[1])
    print("wrote \(arguments[1]): 64 samples from \(type(of: model).name), \(grid.width)x\(grid.height) pixels")
} catch {
    fail("\(error)")
}
