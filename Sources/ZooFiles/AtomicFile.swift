import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that at every moment the path holds either the old or the new complete
/// contents: write a temporary file `.<name>.tmp-<pid>` in the same folder (so the rename
/// cannot cross file systems), fsync it, rename it over the old one, fsync the folder. A crash
/// at any point leaves the last good file in place; a process killed while writing leaves its
/// temporary file, which the next successful write to the same path removes. A symbolic link
/// is written through, to the file it names; a replaced file keeps its permissions, and a
/// read-only one is not replaced. The temporary name is per process, so a process must not
/// write one path from two threads at once. Checkpoints, PNGs and IDX files all go through here.
public enum AtomicFile {
    /// `what` names the kind of file in errors: "cannot write PNG to grid.png: ...".
    public static func write(_ bytes: [UInt8], to path: String, what: String = "file") throws {
        try bytes.withUnsafeBytes { try write($0, to: path, what: what) }
    }

    public static func write(_ bytes: UnsafeRawBufferPointer, to requested: String, what: String = "file") throws {
        let path = FileKind.writeTarget(requested)
        func failure(_ why: String) -> DataError { DataError(.io, "cannot write \(what) to \(path): \(why)") }
        let (folder, name) = split(path)
        guard !name.isEmpty else { throw failure("the path names a folder, not a file") }
        let temporaryPrefix = ".\(name).tmp-"
        let temporary = temporaryPath(for: path)
        let existing = FileKind.permissions(of: path)
        if let existing, !existing.replaceable { throw failure("the file is read-only; not replacing it") }
        // Created afresh and never through a link, so that nobody else's file (or link) at this
        // predictable name is written to: a leftover of our own pid is an earlier, dead process's.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("\(FileIO.errnoText()) (while creating a temporary file in \(folder))") }
        if let existing { fchmod(fd, existing.mode) }  // a replaced file keeps its permissions
        // Reserving the blocks up front makes the write cheaper (no delayed allocation page by
        // page). Where the file system cannot, plain writes allocate as usual.
        if bytes.count > 0, let fallocate = fallocateFunction { _ = fallocate(fd, 0, 0, bytes.count) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(FileIO.errnoText())
                }
                offset += written
            }
            guard fsync(fd) == 0 else { throw failure("fsync failed (\(FileIO.errnoText()))") }
        }
        // The file being replaced is held open across the rename and let go of off this
        // thread: the file system frees its blocks when its last reference goes, which inside
        // rename costs about 2 ms for 8 MB on ext4. Non-blocking, so a FIFO cannot stall it.
        let replaced = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        defer { if replaced >= 0 { releaseQueue.async { _ = close(replaced) } } }
        guard rename(temporary, path) == 0 else { throw failure("cannot replace it (\(FileIO.errnoText()))") }
        ok = true
        // Before the folder's fsync, which then also makes the removals durable.
        removeStaleTemporaries(in: folder, prefix: temporaryPrefix)
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// The folder and the file name of `path`.
    private static func split(_ path: String) -> (folder: String, name: String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        return (folder, slash.map { String(path[path.index(after: $0)...]) } ?? path)
    }

    /// The temporary file a write to `path` goes through first (a symbolic link at `path`
    /// already resolved): longer than the name itself, so a name near the file system's limit
    /// may fit while its temporary does not.
    public static func temporaryPath(for path: String) -> String {
        let (folder, name) = split(path)
        return "\(folder)/.\(name).tmp-\(getpid())"
    }

    /// Where the last references to replaced files are dropped.
    private static let releaseQueue = DispatchQueue(label: "zoo.atomic-file.release", qos: .utility)

    /// Linux's fallocate(2), looked up at run time: Swift's Glibc module leaves out the GNU
    /// declaration, and posix_fallocate would emulate it with a write per block where the file
    /// system lacks it.
    private typealias Fallocate = @convention(c) (Int32, Int32, Int, Int) -> Int32
    private static let fallocateFunction: Fallocate? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fallocate") else { return nil }  // RTLD_DEFAULT
        return unsafeBitCast(symbol, to: Fallocate.self)
    }()

    /// Removes the temporary files `<prefix><pid>` in `folder` of processes that no longer
    /// exist: writers killed before their rename. A live process's file (another writer of
    /// the same path, mid-write) is never touched; nor is anything not named exactly so.
    static func removeStaleTemporaries(in folder: String, prefix: String) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        let own = getpid()
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix) else { continue }
            let digits = name.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.count <= 10, digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let pid = pid_t(digits), pid > 0, pid != own else { continue }
            // ESRCH: no such process. EPERM means it exists (another user's): keep its file.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(folder)/\(name)")
            }
        }
    }
}
