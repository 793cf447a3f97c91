// Whole-file reads with POSIX calls (writes go through AtomicFile). Reading straight into a
// [UInt8] (instead of Data, then a copy) keeps the peak memory of loading MNIST at one copy of
// each file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, following symbolic links (a checkpoint is often a link to the latest run).
public enum FileKind: Sendable {
    case regular, directory, other

    /// nil when nothing is there (or it cannot be looked at).
    public static func of(_ path: String) -> FileKind? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Which file `path` names now (through symbolic links), unchanged since: the same identity
    /// means the same file, not one put in its place. Inode numbers alone do not tell (a file
    /// created after another was deleted often gets its number), so the status-change time and
    /// the size are part of it. nil when nothing is there.
    public static func identity(of path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), mode: UInt32(st.st_mode),
                            changed: [Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec)], size: Int64(st.st_size))
    }

    /// Whether anything is at `path` itself, a dangling symbolic link included.
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Where a write to `path` should go: through a symbolic link to the file it names (so
    /// that `latest.h5 -> run3.h5` stays a link and run3.h5 is updated), else `path` itself.
    public static func writeTarget(_ path: String) -> String {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// The permission bits of the file at `path`, so that a replacement written beside it can
    /// keep them, and whether it may be replaced: a file nobody may write (mode 444), or one
    /// this user may not, is left alone even by root. nil when there is no file.
    public static func permissions(of path: String) -> (mode: mode_t, replaceable: Bool)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let mode = st.st_mode & 0o7777
        return (mode, mode & 0o222 != 0 && access(path, W_OK) == 0)
    }
}

/// A file as the file system knows it, whatever its names.
public struct FileIdentity: Equatable, Sendable {
    let device: UInt64, inode: UInt64, mode: UInt32
    let changed: [Int64]  // seconds, nanoseconds
    let size: Int64
}

/// Shared with the other Zoo modules (datasets, images) through `package` access; not public API.
package enum FileIO {
    /// The text of errno, e.g. "No such file or directory".
    package static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// Reads a whole regular file, or only its first `limit` bytes (enough to tell a file's
    /// format before reading all of it: a folder of images may hold a video, too).
    package static func read(_ path: String, limit: Int = .max) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw DataError(.io, "cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw DataError(.io, "cannot stat \(path): \(errnoText())")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw DataError(.io, "cannot read \(path): not a regular file")
        }
        let size = min(Int(st.st_size), limit)
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = posixRead(fd, buffer.baseAddress! + count, size - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }  // the file shrank while we read it; keep what we got
                count += n
            }
        }
        if failure != 0 {
            bytes = []
            throw DataError(.io, "cannot read \(path): \(errnoText(failure))")
        }
        return bytes
    }
}

// `read` is shadowed inside FileIO by the static method of the same name.
@inline(__always)
private func posixRead(_ fd: Int32, _ buf: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    read(fd, buf, n)
}
