import ArgumentParser
import Foundation
import Zoo

/// Checks of the files a verb will write, made before any work: a mistake in a path costs
/// nothing, and no verb replaces a file of another kind (a PNG written over a checkpoint).
enum OutputPath {
    /// A PNG an image verb writes (`--out`, `--plot`): named .png, and where a file exists
    /// already, a PNG.
    static func checkImage(_ path: String, flag: String) throws {
        try checkFile(path, flag: flag, suffix: ".png", kind: "a PNG", signature: PNG.signature)
    }

    /// A NumPy file a verb writes (`--out x.npy`): named .npy, and where a file exists already,
    /// a NumPy file.
    static func checkNumPy(_ path: String, flag: String) throws {
        try checkFile(path, flag: flag, suffix: ".npy", kind: "a NumPy file", signature: NumPyArray.magic)
    }

    /// A file named `*suffix` that may replace only a file starting with `signature`.
    private static func checkFile(_ path: String, flag: String, suffix: String, kind: String, signature: [UInt8]) throws {
        guard path.lowercased().hasSuffix(suffix) else { throw ValidationError("\(flag) must name a \(suffix) file, got '\(path)'") }
        switch FileKind.of(path) {
        case nil: break
        case .regular?:
            guard startsWith(path, signature) else {
                throw ValidationError("\(flag) \(path) exists and is not \(kind); not replacing it")
            }
        case .directory?: throw ValidationError("\(flag) \(path) is a folder")
        default: throw ValidationError("\(flag) \(path) is not a regular file")
        }
        try usageErrors { try requireWritableFolder(for: path) }
    }

    /// Whether an output path names a NumPy file rather than a PNG.
    static func isNumPy(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// The checkpoint `zoo train` writes: a new file, or with `replacing` an old zoo checkpoint.
    static func checkCheckpoint(_ path: String, replacing: Bool) throws {
        guard !path.isEmpty, !path.hasSuffix("/") else { throw ZooError("--out must name a file, got '\(path)'") }
        switch FileKind.of(path) {
        case nil: break
        case .regular?:
            guard let model = CheckpointReader.modelName(at: path) else {
                throw ZooError("\(path) exists and is not a readable zoo checkpoint; not replacing it (remove it to start over)")
            }
            guard replacing else {
                throw ZooError("\(path) already holds a checkpoint of \(model); continue it with `zoo resume \(Output.shellQuoted(path))`, or pass --force to start over")
            }
            try requireReplaceable(path)
        case .directory?: throw ZooError("--out \(path) is a folder")
        default: throw ZooError("--out \(path) is not a regular file")
        }
        try requireWritableFolder(for: path)
    }

    /// The checkpoint `zoo resume` rewrites, checked before it trains.
    static func checkResumable(_ path: String) throws {
        try requireReplaceable(path)
        try requireWritableFolder(for: path)
    }

    private static func requireReplaceable(_ path: String) throws {
        if let existing = FileKind.permissions(of: path), !existing.replaceable { throw ZooError("\(path) is read-only; not replacing it") }
    }

    private static func startsWith(_ path: String, _ signature: [UInt8]) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: signature.count)).map { Array($0) == signature } ?? false
    }

    /// Fails unless the file can be written: the temporary file every write goes through is
    /// created for real (and removed), since permissions alone do not tell (root may write
    /// anywhere, but not into /proc), and only the file system knows whether its name, longer
    /// than the file's, fits.
    private static func requireWritableFolder(for path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        switch FileKind.of(folder) {
        case .directory?: break
        case nil: throw ZooError("\(path): cannot write: folder \(folder) does not exist")
        default: throw ZooError("\(path): cannot write: \(folder) is not a folder")
        }
        let probe = AtomicFile.temporaryPath(for: FileKind.writeTarget(path))
        unlink(probe)  // a leftover of a dead process with our pid, as AtomicFile.write does
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = errno == ENAMETOOLONG ? "the name is too long for the file system (every write goes first to a temporary file beside it, named .NAME.tmp-PID)"
                : "cannot create files in \(folder) (\(String(cString: strerror(errno))))"
            throw ZooError("\(path): \(why)")
        }
        close(fd)
        unlink(probe)
    }
}
