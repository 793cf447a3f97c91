import Foundation
import Zoo

/// The file a training run saves to, checked again before every save. Between two saves the
/// path may have been replaced (by a folder, a text file, a link to someone else's file), and
/// a save writes only over the file this run wrote last, a zoo checkpoint, or nothing.
struct CheckpointTarget {
    let path: String
    /// The file this run's last save left at `path`.
    private var written: FileIdentity?

    init(_ path: String) { self.path = path }

    /// Throws `CheckpointReplaced` when what is at `path` now may not be written over.
    func check() throws {
        guard FileKind.exists(path) else { return }
        if let written, FileKind.identity(of: path) == written { return }
        let found: String
        switch FileKind.of(path) {
        case nil: found = "a symbolic link to nothing"
        case .directory?: found = "a folder"
        case .other?: found = "something that is not a regular file"
        case .regular?:
            if CheckpointReader.modelName(at: path) != nil { return }
            found = "a file that is not a zoo checkpoint"
        }
        throw CheckpointReplaced(path: path, found: found)
    }

    /// Remembers the file a save just wrote.
    mutating func saved() { written = FileKind.identity(of: path) }
}

/// A save refused because the checkpoint's path now names something else.
struct CheckpointReplaced: Error, CustomStringConvertible {
    let path: String, found: String
    var description: String {
        "\(Output.printable(path)) is now \(found), not the checkpoint this run writes; not writing over it"
    }
}
