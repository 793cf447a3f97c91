import CZooKernels

/// Images kept as bytes (a quarter of the memory of floats) with their labels; batches are
/// converted to float tensors only when they are used.
public struct ImageSet: Sendable {
    public let pixels: [UInt8]
    public let labels: [UInt8]
    public let rows: Int, columns: Int
    public var imageSize: Int { rows * columns }
    public var count: Int { labels.count }

    public init(pixels: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
        precondition(pixels.count == labels.count * rows * columns, "pixel and label counts disagree")
        self.pixels = pixels
        self.labels = labels
        self.rows = rows
        self.columns = columns
    }

    /// The first `count` images.
    public func prefix(_ count: Int) -> ImageSet {
        let n = min(count, self.count)
        return ImageSet(pixels: Array(pixels[..<(n * imageSize)]), labels: Array(labels[..<n]), rows: rows, columns: columns)
    }

    /// Images `indices` as a float tensor [indices.count, rows·columns] in `range`.
    public func tensor<C: Collection<Int>>(_ indices: C, range: PixelRange) -> Tensor {
        let size = imageSize
        // [0, 255] → [0, 1] or [-1, 1]
        let (scale, offset): (Float, Float) = range == .unit ? (1 / 255, 0) : (2 / 255, -1)
        return Tensor(shape: [indices.count, size]) { out in
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
        self.init(pixels: dataset.images(split), labels: dataset.labels(split), rows: dataset.rows, columns: dataset.cols)
    }
}
