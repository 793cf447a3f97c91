import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that at every moment the path holds either the old or the new complete
/// contents: write a temporary file in the same folder, fsync it, rename it over the old one,
/// fsync the folder. A crash at any point leaves the last good file in place.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZooError("\(path): cannot write (\(String(cString: strerror(errno))))") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw ZooError("\(path): write failed (\(String(cString: strerror(errno))))")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw ZooError("\(path): fsync failed (\(String(cString: strerror(errno))))") }
        }
        guard rename(temporary, path) == 0 else {
            throw ZooError("\(path): cannot replace (\(String(cString: strerror(errno))))")
        }
        ok = true
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }
}
