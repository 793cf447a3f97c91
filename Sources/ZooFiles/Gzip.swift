// Gzip and zlib streams through the system zlib. The MNIST files ship as .gz; PNG stores its
// pixels as a zlib stream. One inflate loop serves both (the window-bits argument picks the
// wrapper), so truncation and corruption are reported the same way for either.

import CZlib

public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number 1f 8b. Data files may be stored
    /// compressed or not; this, not the file name, decides how they are read.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Inflates a gzip file (one or more members, as `gzip -d` accepts) into its bytes.
    /// `source` names the data in error messages, normally the file path.
    public static func decompress(_ bytes: [UInt8], source: String = "data") throws -> [UInt8] {
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected gzip data") }
        guard isGzip(bytes) else {
            let head = bytes.prefix(2).map { hex2($0) }.joined(separator: " ")
            throw DataError(.notGzip, "\(source): not gzip data (starts with \(head), expected 1f 8b)")
        }
        // The last 4 bytes of a gzip member hold its uncompressed size mod 2^32: a good first
        // guess for the output buffer, so that MNIST's 47 MB inflate into one allocation with
        // no regrowth. Only a plausible guess is trusted (a truncated file ends in random bytes);
        // otherwise the buffer starts at 4x and doubles.
        let n = bytes.count
        let hint = n < 18 ? 0 : Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        let capacity = hint > 0 && hint <= 32 * n ? hint : 4 * n
        // 15 + 32: a 32 KiB window, and let zlib detect the gzip (or zlib) header itself.
        return try Zlib.inflate(bytes, windowBits: 15 + 32, capacity: capacity, source: source, format: "gzip")
    }

    /// Returns `bytes` inflated when they start with the gzip magic number, unchanged otherwise.
    public static func decompressIfGzip(_ bytes: [UInt8], source: String = "data") throws -> [UInt8] {
        isGzip(bytes) ? try decompress(bytes, source: source) : bytes
    }

    /// Compresses `bytes` into a single-member gzip file (for tests and tools that write .gz).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        // 15 + 16: a 32 KiB window with a gzip header and trailer instead of zlib's.
        Zlib.deflate(bytes, windowBits: 15 + 16, level: level)
    }
}

/// The raw zlib calls. inflateInit2/deflateInit2 are C macros that Swift cannot import, so
/// their underlying functions are called with the version and struct size the macros pass.
enum Zlib {
    static func inflate(_ input: [UInt8], windowBits: Int32, capacity: Int, source: String, format: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(.corruptGzip, "\(source): zlib could not start inflating (out of memory?)")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: max(capacity, 64))
        var produced = 0
        return try input.withUnsafeBufferPointer { inBuf -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress!)
            stream.avail_in = 0
            var consumed = 0  // input bytes handed to zlib so far
            while true {
                // avail_in is 32 bits; feed very large inputs in slices.
                if stream.avail_in == 0 && consumed < inBuf.count {
                    let chunk = min(inBuf.count - consumed, Int(UInt32.max / 2))
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + consumed)
                    stream.avail_in = UInt32(chunk)
                    consumed += chunk
                }
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let room = min(output.count - produced, Int(UInt32.max / 2))
                let ret: Int32 = output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return r
                }
                let remaining = Int(stream.avail_in) + (inBuf.count - consumed)
                switch ret {
                case Z_STREAM_END:
                    if remaining == 0 {
                        // Give back a large unused tail (after doubling) rather than keep it
                        // for the lifetime of a dataset.
                        if output.count - produced > produced / 8 { return Array(output[..<produced]) }
                        output.removeSubrange(produced...)
                        return output
                    }
                    // gzip allows several members back to back; anything else after the end is an error.
                    let next = inBuf.count - remaining
                    if windowBits > 15, remaining >= 2, inBuf[next] == 0x1f, inBuf[next + 1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    throw DataError(.corruptGzip, "\(source): \(remaining) unexpected bytes after the end of the \(format) stream")
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (grow and go on) or the
                    // input ran out before the end of the stream.
                    if produced == output.count { continue }
                    throw truncated(source, format, inBuf.count, produced)
                case Z_DATA_ERROR:
                    let why = stream.msg.map { String(cString: $0) } ?? "invalid data"
                    throw DataError(.corruptGzip, "\(source): corrupt \(format) stream (\(why)) after \(produced) bytes of output")
                case Z_MEM_ERROR:
                    throw DataError(.corruptGzip, "\(source): out of memory while inflating \(format) data")
                default:
                    throw DataError(.corruptGzip, "\(source): zlib error \(ret) while inflating \(format) data")
                }
            }
        }
    }

    static func truncated(_ source: String, _ format: String, _ inputCount: Int, _ produced: Int) -> DataError {
        DataError(.corruptGzip, "\(source): \(format) stream is truncated (all \(inputCount) compressed bytes used, \(produced) bytes inflated, end of stream not reached)")
    }

    static func deflate(_ input: [UInt8], windowBits: Int32, level: Int32) -> [UInt8] {
        precondition(input.count < Int(UInt32.max), "deflate: input over 4 GiB")
        var stream = z_stream()
        let initResult = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                       ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(initResult == Z_OK, "zlib deflateInit2 failed (\(initResult))")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var produced = 0
        input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                // deflateBound guarantees that one Z_FINISH call completes.
                let r = CZlib.deflate(&stream, Z_FINISH)
                precondition(r == Z_STREAM_END, "zlib deflate did not finish (\(r))")
                produced = outBuf.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}

/// Two lowercase hex digits, for magic numbers and checksums in messages.
package func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
