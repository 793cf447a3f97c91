// The two image datasets the zoo trains on, kept as bytes. 60,000 + 10,000 images of 28x28
// are 55 MB as UInt8 but 220 MB as Float, so conversion to floats happens per batch (in
// training, `ImageSet.tensor`; here `batch` for tools and tests), which keeps a training
// process well under its 200 MiB budget.

import ZooFiles

/// The datasets `zoo` knows by name (`--dataset mnist`, `--dataset fashion-mnist`).
public enum DatasetName: String, CaseIterable, Sendable, Codable {
    case mnist
    case fashionMNIST = "fashion-mnist"

    /// What each of the 10 labels means, for legends and sample captions.
    public var classNames: [String] {
        switch self {
        case .mnist: return (0 ..< 10).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        }
    }

    /// Published MD5 checksums of the four uncompressed files, by file stem. MNIST's are
    /// those of the original files; Fashion-MNIST's are those its maintainers publish for
    /// the uncompressed files (the .gz files vary between mirrors, the contents do not).
    public var knownMD5s: [String: String] {
        switch self {
        case .mnist:
            return ["train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
                    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
                    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
                    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637"]
        case .fashionMNIST:
            return ["train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
                    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
                    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
                    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965"]
        }
    }
}

/// A labelled image dataset with a train and a test split, images as bytes (0 = black).
public struct ImageDataset: Sendable {
    public enum Split: String, CaseIterable, Sendable { case train, test }

    public let name: DatasetName
    /// Image height and width in pixels (28 and 28 for MNIST).
    public let rows: Int
    public let cols: Int
    /// trainCount * rows * cols bytes, image after image, each row-major.
    public let trainImages: [UInt8]
    /// trainCount labels, each 0...9.
    public let trainLabels: [UInt8]
    public let testImages: [UInt8]
    public let testLabels: [UInt8]
    public let trainCount: Int
    public let testCount: Int
    /// The folder the files were read from.
    public let sourceDirectory: String

    /// Builds a dataset from arrays (for tests and tools); throws when the sizes disagree.
    public init(name: DatasetName, rows: Int, cols: Int,
                trainImages: [UInt8], trainLabels: [UInt8],
                testImages: [UInt8], testLabels: [UInt8],
                sourceDirectory: String = "") throws {
        guard rows > 0, cols > 0 else {
            throw DataError(.invalidDataset, "\(name.rawValue): images of \(rows)x\(cols) pixels")
        }
        let pixels = rows * cols
        for (split, images, labels) in [("train", trainImages, trainLabels), ("test", testImages, testLabels)] {
            guard images.count == labels.count * pixels else {
                throw DataError(.invalidDataset, "\(name.rawValue) \(split): \(images.count) image bytes for \(labels.count) labels of \(rows)x\(cols) images (expected \(labels.count * pixels))")
            }
            if let i = labels.firstIndex(where: { $0 >= 10 }) {
                throw DataError(.invalidDataset, "\(name.rawValue) \(split): label \(labels[i]) at index \(i) is not a class 0-9")
            }
        }
        self.name = name
        self.rows = rows
        self.cols = cols
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
        self.trainCount = trainLabels.count
        self.testCount = testLabels.count
        self.sourceDirectory = sourceDirectory
    }

    /// Bytes per image.
    public var pixelsPerImage: Int { rows * cols }

    public func images(_ split: Split) -> [UInt8] { split == .train ? trainImages : testImages }
    public func labels(_ split: Split) -> [UInt8] { split == .train ? trainLabels : testLabels }
    public func count(_ split: Split) -> Int { split == .train ? trainCount : testCount }

    /// The bytes of one image.
    public func image(_ index: Int, split: Split = .train) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count(split), "image index \(index) out of range 0..<\(count(split))")
        let n = pixelsPerImage
        return images(split)[index * n ..< (index + 1) * n]
    }

    /// Writes the images at `indices` into `buffer` as floats, pixel 0 -> range.lowerBound and
    /// 255 -> range.upperBound (0...1 for a sigmoid decoder, -1...1 for a tanh generator).
    /// `buffer` must hold indices.count * pixelsPerImage floats.
    public func fillBatch(_ split: Split, indices: some Collection<Int>, range: ClosedRange<Float> = 0 ... 1,
                          into buffer: UnsafeMutableBufferPointer<Float>) {
        let n = pixelsPerImage
        precondition(buffer.count >= indices.count * n, "batch buffer holds \(buffer.count) floats, need \(indices.count * n)")
        let lo = range.lowerBound, width = range.upperBound - range.lowerBound
        let table = (0 ..< 256).map { lo + width * (Float($0) / 255) }
        let count = count(split)
        images(split).withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { t in
                var out = 0
                for index in indices {
                    precondition(index >= 0 && index < count, "image index \(index) out of range 0..<\(count)")
                    let base = index * n
                    for p in 0 ..< n { buffer[out + p] = t[Int(src[base + p])] }
                    out += n
                }
            }
        }
    }

    /// The images at `indices` as floats (see `fillBatch`), indices.count * pixelsPerImage values.
    public func batch(_ split: Split, indices: some Collection<Int>, range: ClosedRange<Float> = 0 ... 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: indices.count * pixelsPerImage) { buffer, count in
            fillBatch(split, indices: indices, range: range, into: buffer)
            count = indices.count * pixelsPerImage
        }
    }

    /// How many images of each class 0...9 a split has.
    public func labelCounts(_ split: Split) -> [Int] {
        var counts = [Int](repeating: 0, count: 10)
        for l in labels(split) { counts[Int(l)] += 1 }
        return counts
    }
}
