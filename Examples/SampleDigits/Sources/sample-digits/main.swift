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
    // Images come as [n, channels, height, width]: gray or RGB, any size.
    let (channels, height, width) = (images.shape[1], images.shape[2], images.shape[3])
    let grid = ImageGrid.make(images: images.scalars, count: 64, channels: channels, rows: height, cols: width,
                              range: type(of: model).pixelRange.bounds, nrow: 8)
    try grid.writePNG(to: arguments[1])
    print("wrote \(arguments[1]): 64 samples from \(type(of: model).name), \(grid.width)x\(grid.height) pixels")
} catch {
    fail("\(error)")
}
