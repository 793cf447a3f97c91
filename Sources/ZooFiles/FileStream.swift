// A data file read front to back in pieces, inflated on the way when it is gzip (told by its
// first bytes, not its name). A reader of a format with a header (IDX) reads the header, checks
// what it declares, and only then reads, and allocates for, the data: a file of a few bytes
// cannot make it inflate gigabytes of zeros, and a huge file with a wrong header is refused
// after its first bytes.

import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package final class FileStream {
    package let path: String
    /// Whether the file is gzip (and what `read` returns is inflated).
    package let isGzip: Bool
    /// The size of the file on disk (compressed, for a gzip file).
    package let fileSize: Int
    private let descriptor: Int32
    private let inflater: GzipInflater?

    /// Opens a regular file for reading; `DataError.io` when it cannot be opened.
    package init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError(.io, "cannot open \(path): \(FileIO.errnoText())") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let error = DataError(.io, "cannot stat \(path): \(FileIO.errnoText())")
            close(fd)
            throw error
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DataError(.io, "cannot read \(path): not a regular file")
        }
        descriptor = fd
        fileSize = Int(st.st_size)
        var magic: [UInt8] = [0, 0]
        let sniffed = pread(fd, &magic, 2, 0)
        isGzip = sniffed == 2 && Gzip.isGzip(magic)
        inflater = isGzip ? try GzipInflater(descriptor: fd, fileSize: fileSize, source: path) : nil
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from the file; fewer bytes only at its end.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let inflater { return try inflater.read(into: buffer) }
        var count = 0
        while count < buffer.count {
            let n = readDescriptor(descriptor, buffer.baseAddress! + count, buffer.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, "cannot read \(path): \(FileIO.errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        return count
    }

    /// Up to `count` bytes; fewer only at the end of the file. The array grows with what is
    /// really there, so a `count` the file cannot back costs no large allocation.
    package func read(upTo count: Int) throws -> [UInt8] {
        let piece = 1 << 24
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, piece))
        while bytes.count < count {
            let want = min(count - bytes.count, piece)
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: want))
            let got = try bytes.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
            if got < want {
                bytes.removeSubrange((start + got)...)
                break
            }
        }
        return bytes
    }

    /// How many bytes are left, counting at most `limit` (then `limit + 1`: "more than").
    package func remainingCount(limit: Int) throws -> Int {
        if !isGzip {
            let position = lseek(descriptor, 0, SEEK_CUR)
            return position < 0 ? 0 : min(max(fileSize - Int(position), 0), limit + 1)
        }
        return try read(upTo: limit + 1).count
    }
}

/// Inflates a gzip file (one or more members, as `gzip -d` accepts) read from a descriptor
/// in pieces. Errors read like `Gzip.decompress`'s.
final class GzipInflater {
    private let descriptor: Int32
    private let fileSize: Int
    private let source: String
    /// zlib keeps a pointer back to its stream, which must therefore never move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 16
    /// Compressed bytes read from the file so far, and inflated bytes handed out.
    private var consumed = 0
    private var produced = 0
    private var atEndOfFile = false
    private var finished = false

    init(descriptor: Int32, fileSize: Int, source: String) throws {
        self.descriptor = descriptor
        self.fileSize = fileSize
        self.source = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputCapacity)
        // 15 + 32: a 32 KiB window, and let zlib detect the gzip (or zlib) header itself.
        guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw DataError(.corruptGzip, "\(source): zlib could not start inflating (out of memory?)")
        }
        _ = lseek(descriptor, 0, SEEK_SET)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Reads more compressed bytes behind the `keep` not yet used.
    private func refill() throws {
        let keep = Int(stream.pointee.avail_in)
        if keep > 0, let next = stream.pointee.next_in { input.update(from: next, count: keep) }
        var n: Int
        repeat { n = readDescriptor(descriptor, input + keep, inputCapacity - keep) } while n < 0 && errno == EINTR
        if n < 0 { throw DataError(.io, "cannot read \(source): \(FileIO.errnoText())") }
        if n == 0 { atEndOfFile = true }
        consumed += n
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(keep + n)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var count = 0
        while count < buffer.count && !finished {
            if stream.pointee.avail_in == 0 && !atEndOfFile { try refill() }
            let room = min(buffer.count - count, Int(UInt32.max / 2))
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + count
            stream.pointee.avail_out = UInt32(room)
            let result = CZlib.inflate(stream, Z_NO_FLUSH)
            let made = room - Int(stream.pointee.avail_out)
            count += made
            produced += made
            switch result {
            case Z_STREAM_END:
                try nextMember()
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress: out of input (more is read above, unless the file has ended).
                if stream.pointee.avail_in == 0 && atEndOfFile {
                    throw Zlib.truncated(source, "gzip", consumed, produced)
                }
            case Z_DATA_ERROR:
                let why = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw DataError(.corruptGzip, "\(source): corrupt gzip stream (\(why)) after \(produced) bytes of output")
            case Z_MEM_ERROR:
                throw DataError(.corruptGzip, "\(source): out of memory while inflating gzip data")
            default:
                throw DataError(.corruptGzip, "\(source): zlib error \(result) while inflating gzip data")
            }
        }
        return count
    }

    /// After the end of a member: the end of the file, another member, or an error.
    private func nextMember() throws {
        if stream.pointee.avail_in < 2 && !atEndOfFile { try refill() }
        let left = Int(stream.pointee.avail_in)
        if left == 0 && atEndOfFile {
            finished = true
            return
        }
        if left >= 2, let next = stream.pointee.next_in, next[0] == 0x1f, next[1] == 0x8b {
            inflateReset(stream)
            return
        }
        let remaining = left + max(fileSize - consumed, 0)
        throw DataError(.corruptGzip, "\(source): \(remaining) unexpected bytes after the end of the gzip stream")
    }
}

// `read` is shadowed inside both classes by their methods of that name.
private func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
