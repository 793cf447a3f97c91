// A folder of images as a dataset, in torchvision's ImageFolder convention: DIR/cat/001.png
// is an image of class "cat", classes numbered in sorted order of their names; a folder with
// no subfolders is one unlabelled set. Every image is decoded (PNG or JPEG, any size, any
// color), scaled and center-cropped to side x side, and kept as bytes.

import ZooFiles
import ZooImages

public struct ImageFolder: Sendable {
    /// A file that was left out, and why ("not a PNG or JPEG image (a GIF image)").
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public init(path: String, reason: String) { self.path = path; self.reason = reason }
        /// One line naming the file: "skipped DIR/cat/x.gif: not a PNG or JPEG image (a GIF image)".
        public var description: String { "skipped \(path): \(reason)" }
    }

    /// The folder as given.
    public let directory: String
    /// Each image is side x side pixels.
    public let side: Int
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// count * channels * side * side bytes, NCHW: image after image, each channel plane
    /// after plane, each plane row-major (0 = black), as PyTorch lays out a batch.
    public let images: [UInt8]
    /// The class of each image, an index into `classNames`; all 0 in an unlabelled folder.
    public let labels: [Int32]
    /// The class subfolders' names, sorted; empty when the folder holds the images itself.
    public let classNames: [String]
    /// The file each image came from, in the order of `images`.
    public let files: [String]
    /// Files that are not images or did not decode, in sorted order.
    public let skipped: [Skipped]

    public var count: Int { labels.count }
    /// Whether the images have classes (subfolders), or form one unlabelled set.
    public var isLabelled: Bool { !classNames.isEmpty }

    /// One line per skipped file, and one per class folder left without images.
    public var warnings: [String] {
        var present = Set<Int32>()
        for label in labels { present.insert(label) }
        let empty = classNames.indices.filter { !present.contains(Int32($0)) }
        return skipped.map(\.description) + empty.map { "class '\(classNames[$0])' has no usable images" }
    }

    /// Image `index` as an image (interleaved samples), for grids and checks.
    public func image(at index: Int) -> PixelImage {
        precondition(labels.indices.contains(index), "image \(index) of \(count)")
        let plane = side * side, base = index * channels * plane
        var pixels = [UInt8](repeating: 0, count: plane * channels)
        for c in 0 ..< channels {
            for p in 0 ..< plane { pixels[p * channels + c] = images[base + c * plane + p] }
        }
        return PixelImage(width: side, height: side, channels: channels, pixels: pixels)
    }

    /// A folder as read before (from a cache of it); the arrays must fit each other.
    public init(directory: String, side: Int, channels: Int, images: [UInt8], labels: [Int32], classNames: [String],
                files: [String], skipped: [Skipped]) {
        precondition(images.count == labels.count * channels * side * side && files.count == labels.count,
                     "ImageFolder: \(images.count) bytes, \(labels.count) labels and \(files.count) files do not fit \(channels)x\(side)x\(side)")
        self.directory = directory
        self.side = side
        self.channels = channels
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.files = files
        self.skipped = skipped
    }
}
