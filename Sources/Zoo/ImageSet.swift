import Foundation
import CZooKernels

/// Images kept as bytes (a quarter of the memory of floats) with their class labels; batches
/// are converted to float tensors only when they are used.
public struct ImageSet: Sendable {
    /// count images of `shape`, each channel after channel, each channel row after row (CHW).
    public let pixels: [UInt8]
    /// The class of each image, an index into `classNames`.
    public let labels: [Int32]
    public let shape: ImageShape
    /// What each label means ("0"…"9" for MNIST, folder names for a folder of images).
    public let classNames: [String]
    public var count: Int { labels.count }

    public init(pixels: [UInt8], labels: [Int32], shape: ImageShape, classNames: [String]) {
        precondition(pixels.count == labels.count * shape.elementCount, "pixel and label counts disagree")
        precondition(labels.allSatisfy { (0..<Int32(classNames.count)).contains($0) }, "a label is not one of \(classNames.count) classes")
        self.pixels = pixels
        self.labels = labels
        self.shape = shape
        self.classNames = classNames
    }

    /// The first `count` images.
    public func prefix(_ count: Int) -> ImageSet {
        let n = min(count, self.count)
        return ImageSet(pixels: Array(pixels[..<(n * shape.elementCount)]), labels: Array(labels[..<n]), shape: shape, classNames: classNames)
    }

    /// Images `indices` as a float tensor [indices.count, channels, height, width] in `range`.
    public func tensor<C: Collection<Int>>(_ indices: C, range: PixelRange) -> Tensor {
        let size = shape.elementCount
        // [0, 255] → [0, 1] or [-1, 1]
        let (scale, offset): (Float, Float) = range == .unit ? (1 / 255, 0) : (2 / 255, -1)
        return Tensor(shape: shape.batch(indices.count)) { out in
            pixels.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    zoo_bytes_to_floats(source.baseAddress! + index * size, scale, offset, out + row * size, size)
                }
            }
        }
    }

    /// Batches in `order` (all images in order when nil); the last partial batch is kept, as in
    /// PyTorch's DataLoader.
    public func batches(size: Int, order: [Int]? = nil, range: PixelRange) -> ImageBatches {
        ImageBatches(images: self, order: order ?? Array(0..<count), batchSize: size, range: range)
    }
}

/// A pass over an image set in mini-batches.
public struct ImageBatches: Sequence, Sendable {
    public let images: ImageSet
    public let order: [Int]
    public let batchSize: Int
    public let range: PixelRange

    public var count: Int { (order.count + batchSize - 1) / batchSize }

    /// Batch `index` as a tensor.
    public func batch(_ index: Int) -> Tensor {
        let start = index * batchSize
        return images.tensor(order[start..<Swift.min(start + batchSize, order.count)], range: range)
    }

    /// The class labels of batch `index`, in the order of its images.
    public func labels(_ index: Int) -> [Int] {
        let start = index * batchSize
        return order[start..<Swift.min(start + batchSize, order.count)].map { Int(images.labels[$0]) }
    }

    public func makeIterator() -> AnyIterator<Tensor> {
        var next = 0
        return AnyIterator {
            guard next < count else { return nil }
            defer { next += 1 }
            return batch(next)
        }
    }
}

extension ImageSet {
    /// One split of a loaded dataset.
    public init(_ dataset: ImageDataset, _ split: ImageDataset.Split) {
        self.init(pixels: dataset.images(split), labels: dataset.labels(split).map(Int32.init),
                  shape: ImageShape(channels: 1, height: dataset.rows, width: dataset.cols), classNames: dataset.name.classNames)
    }
}

extension ImageShape {
    /// MNIST's and Fashion-MNIST's: one gray channel of 28x28 pixels.
    public static let mnist = ImageShape(channels: 1, height: 28, width: 28)
}

extension ImageSet {
    /// A folder's images as a training and a test set: a share `testFraction` of them, drawn
    /// with `seed`, is held out (the same images for the same seed, so a resumed run tests on
    /// what it tested on before). Each set keeps the folder's order. An unlabelled folder is one
    /// class named after the folder.
    public static func split(_ folder: ImageFolder, testFraction: Double, seed: UInt64) -> (train: ImageSet, test: ImageSet) {
        precondition((0...0.9).contains(testFraction), "test fraction \(testFraction)")
        var generator = RandomGenerator(seed: seed ^ 0x7E57_5E7)
        let held = Int((Double(folder.count) * testFraction).rounded())
        let order = generator.permutation(folder.count)
        let test = order[..<held].sorted(), train = order[held...].sorted()
        let shape = ImageShape(channels: folder.channels, height: folder.side, width: folder.side)
        let classNames = folder.isLabelled ? folder.classNames : [URL(fileURLWithPath: folder.directory).lastPathComponent]
        func subset(_ indices: [Int]) -> ImageSet {
            let size = shape.elementCount
            var pixels = [UInt8](repeating: 0, count: indices.count * size)
            folder.images.withUnsafeBufferPointer { source in
                pixels.withUnsafeMutableBufferPointer { out in
                    for (row, index) in indices.enumerated() {
                        (out.baseAddress! + row * size).update(from: source.baseAddress! + index * size, count: size)
                    }
                }
            }
            return ImageSet(pixels: pixels, labels: indices.map { folder.labels[$0] }, shape: shape, classNames: classNames)
        }
        return (subset(train), subset(test))
    }
}
