import Foundation
import ZooHDF5

/// Decoded image folders kept as HDF5 files, so a folder of tens of thousands of images is
/// decoded once, not on every run. A cache file holds the images as uint8 [n, channels, side,
/// side], their labels, class names, files and skipped files, under the folder's fingerprint
/// (every file's path, size and modification time): when the folder changes, the fingerprint
/// does, and the folder is decoded again. A cache that is missing, damaged or from another
/// zoo is never an error, only a reason to decode.
///
/// The files live in `$ZOO_CACHE`, else `$XDG_CACHE_HOME/zoo`, else `~/.cache/zoo`, one per
/// folder and size (the last channel choice), and are written atomically.
public enum ImageFolderCache {
    /// Bumped when decoding or resizing changes, so that no cache of the old pixels is used.
    static let pipelineVersion = "1"

    /// What `load` did: read the cache, or decoded (and whether it could save the result).
    public enum Outcome: Equatable, Sendable {
        case cached(path: String)
        case decoded(savedTo: String?, reason: String)
    }

    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["ZOO_CACHE"], !folder.isEmpty { return folder }
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty { return base + "/zoo" }
        return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()) + "/.cache/zoo"
    }

    /// The folder at `directory` fitted to `side` × `side` and `channels` (nil: 3 if any image
    /// has colour, else 1): from the cache when it holds this folder as it is now, else decoded
    /// (`progress` is then called as in `ImageFolder.load`) and saved to the cache.
    public static func load(_ directory: String, side: Int, channels: Int?, cacheDirectory: String = defaultDirectory,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (folder: ImageFolder, outcome: Outcome) {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let fingerprint = try ImageFolder.fingerprint(directory)
        let key = MD5.hex(Array("\(absolute)\n\(side)\n\(pipelineVersion)".utf8))
        let path = "\(cacheDirectory)/folder-\(key).h5"
        var reason = "no cache yet"
        if FileKind.of(path) == .regular {  // not a folder or a pipe someone put there
            if let folder = read(path, fingerprint: fingerprint, directory: directory, side: side, channels: channels) {
                return (folder, .cached(path: path))
            }
            reason = "the folder changed since it was cached"
        }
        let folder = try ImageFolder.load(directory, side: side, channels: channels, progress: progress)
        let saved = (try? write(folder, requested: channels, fingerprint: fingerprint, to: path, cacheDirectory: cacheDirectory)) != nil
        return (folder, .decoded(savedTo: saved ? path : nil, reason: reason))
    }

    /// The cached folder, or nil when the file is not a cache of this folder as it is now, with
    /// the channels asked for: the same number, or (nil) the automatic choice it was made with.
    static func read(_ path: String, fingerprint: String, directory: String, side: Int, channels requested: Int?) -> ImageFolder? {
        do {
            let root = try HDF5File.open(path).root
            guard try root.attributes.string("fingerprint") == fingerprint,
                  Int(try root.attributes.int64("side")) == side else { return nil }
            let channels = Int(try root.attributes.int64("channels"))
            let automatic = try root.attributes.int64("channels_requested") == 0
            guard requested.map({ $0 == channels }) ?? automatic else { return nil }
            let labels = try root.openDataset("labels").read(as: Int32.self)
            let images = try root.openDataset("images")
            guard (channels == 1 || channels == 3), images.shape == [labels.count, channels, side, side] else { return nil }
            func strings(_ name: String) throws -> [String] {
                try JSONDecoder().decode([String].self, from: Data(try root.openDataset(name).read(as: UInt8.self)))
            }
            let classNames = try strings("class_names"), files = try strings("files")
            let skipped = try strings("skipped")
            guard files.count == labels.count, skipped.count % 2 == 0,
                  labels.allSatisfy({ (0..<Int32(max(classNames.count, 1))).contains($0) }) else { return nil }
            return ImageFolder(directory: directory, side: side, channels: channels, images: try images.read(as: UInt8.self),
                               labels: labels, classNames: classNames, files: files,
                               skipped: stride(from: 0, to: skipped.count, by: 2).map { .init(path: skipped[$0], reason: skipped[$0 + 1]) })
        } catch {
            return nil
        }
    }

    static func write(_ folder: ImageFolder, requested: Int?, fingerprint: String, to path: String, cacheDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let file = try HDF5File.inMemory(name: path, expectedSize: folder.images.count + 4 * folder.count + (64 << 10))
        let root = file.root
        try root.attributes.set("fingerprint", fingerprint)
        try root.attributes.set("side", Int64(folder.side))
        try root.attributes.set("channels", Int64(folder.channels))
        try root.attributes.set("channels_requested", Int64(requested ?? 0))  // 0: chosen by the images
        // Lists as JSON bytes in datasets: an attribute holds at most 64 KiB, a folder's file names more.
        try root.write("class_names", Array(JSONText.encode(folder.classNames).utf8))
        try root.write("files", Array(JSONText.encode(folder.files).utf8))
        try root.write("skipped", Array(JSONText.encode(folder.skipped.flatMap { [$0.path, $0.reason] }).utf8))
        try root.write("images", folder.images, shape: [folder.count, folder.channels, folder.side, folder.side])
        try root.write("labels", folder.labels)
        try file.flush()
        try file.closeWithImage { bytes in try AtomicFile.write(bytes, to: path, what: "image cache") }
    }
}
