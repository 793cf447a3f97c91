import Foundation

/// The classifier checkpoint whose features the quality metrics compare images with, and its
/// identity: the MD5 of the file, reported with every score so that scores from different
/// feature networks are never mixed up.
public struct ReferenceClassifier {
    public let classifier: any ImageClassifier
    public let path: String
    public let md5: String
    public let imageShape: ImageShape
    public let pixelRange: PixelRange

    /// Loads the classifier at `path`, checked to be a classifier.
    public init(path: String) throws {
        let run = try CheckpointReader.load(path)
        guard let classifier = run.model as? any ImageClassifier else {
            throw ZooError("\(path): holds a \(run.modelType.name) model, not a classifier (train one with `zoo train classifier`)")
        }
        self.classifier = classifier
        self.path = path
        self.md5 = MD5.hex(try FileIO.read(path))
        self.imageShape = run.imageShape
        self.pixelRange = run.modelType.pixelRange
    }

    /// The published classifier of `dataset` ("classifier-mnist.h5"), looked for in
    /// `$ZOO_CHECKPOINTS`, in this package's `Checkpoints/` folder and in `./Checkpoints`.
    public static func published(for dataset: String) throws -> ReferenceClassifier {
        let name = "classifier-\(dataset).h5"
        let places = searchFolders.map { "\($0)/\(name)" }
        guard let path = places.first(where: { FileKind.of($0) == .regular }) else {
            throw ZooError("no classifier for \(dataset): looked for \(places.joined(separator: ", ")); train one with `zoo train classifier` and pass it with --classifier FILE")
        }
        return try ReferenceClassifier(path: path)
    }

    static var searchFolders: [String] {
        var folders: [String] = []
        if let folder = ProcessInfo.processInfo.environment["ZOO_CHECKPOINTS"], !folder.isEmpty { folders.append(folder) }
        // Sources/Zoo/ReferenceClassifier.swift → the package root's Checkpoints/.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        folders.append(packageRoot.appendingPathComponent("Checkpoints").path)
        folders.append("Checkpoints")
        return folders
    }

    /// Fails unless images of `shape` are what the classifier reads.
    public func requireShape(_ shape: ImageShape, of what: String) throws {
        guard shape == imageShape else {
            throw ZooError("\(what) are \(shape) images; the classifier \(path) reads \(imageShape)")
        }
    }
}
