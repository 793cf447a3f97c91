import Foundation
import Zoo
#if canImport(Glibc)
import Glibc
#endif

/// One checkpoint, one trainer: `zoo train --out F` and `zoo resume F` hold an advisory lock
/// (flock) on `.F.lock` beside F for the whole run, so a second trainer of the same file is
/// refused, naming the process that holds it. The kernel releases the lock when its holder
/// exits or dies, so a crash never leaves the file locked; readers (`sample`, `eval`,
/// `inspect`) never take it. The lock is on a file of its own because every save replaces F
/// with a new file (a lock on F would stay with the old one).
final class TrainingLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock for training into `checkpoint`, or fails naming its holder.
    init(_ checkpoint: String) throws {
        path = Self.lockPath(for: checkpoint)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw ZooError("cannot lock \(checkpoint) for training (\(path): \(String(cString: strerror(errno))))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = Self.holder(fd)
                close(fd)
                throw ZooError("\(checkpoint) is being trained by \(holder); one checkpoint takes one trainer at a time (reading it with sample, eval or inspect is fine)")
            }
            // The holder before us may have removed the lock file between our open and our
            // lock: then we hold a lock on a file nobody else can find, and start over.
            var opened = stat(), named = stat()
            if fstat(fd, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
                descriptor = fd
                break
            }
            close(fd)
        }
        let line = "process \(getpid()) on \(ProcessInfo.processInfo.hostName) (zoo \(CommandLine.arguments.dropFirst().first ?? ""), since \(Self.now()))\n"
        _ = ftruncate(descriptor, 0)
        _ = line.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    private var held = true

    /// Removes the lock file and releases the lock (the kernel releases it anyway on exit).
    /// Also when the lock goes away unreleased: a run that fails to start leaves no lock file.
    func release() {
        guard held else { return }
        held = false
        unlink(path)
        close(descriptor)
    }

    deinit { release() }

    /// `.NAME.lock` in the checkpoint's folder, with the folder (and the checkpoint, where it is
    /// a link) resolved, so two names for one file share one lock.
    static func lockPath(for checkpoint: String) -> String {
        let url = URL(fileURLWithPath: checkpoint)
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: checkpoint))
            .map { URL(fileURLWithPath: $0, relativeTo: url.deletingLastPathComponent()) } ?? url
        let folder = target.deletingLastPathComponent().path
        let resolved = folder.withCString { realpath($0, nil) }.map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? folder
        return "\(resolved == "/" ? "" : resolved)/.\(target.lastPathComponent).lock"
    }

    /// What the holder wrote into the lock file: its process id, host and command.
    private static func holder(_ fd: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = pread(fd, &bytes, bytes.count, 0)
        let text = count > 0 ? String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "another process" : Output.printable(text)
    }

    private static func now() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date())
    }
}
