// PNG files for sample grids and plots: 8-bit grayscale or RGB, not interlaced. The pixels
// are filtered row by row (choosing the filter per row as libpng does), deflated with zlib's
// compress2 and checksummed with zlib's crc32, so the files are small and any viewer opens them.

import CZlib
import ZooFiles

/// An 8-bit image: `channels` is 1 (gray) or 3 (RGB); `pixels` holds height rows of
/// width * channels bytes, top row first.
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// Mutable for drawing on an image; its size must not change.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image of \(width)x\(height) pixels")
        precondition(channels == 1 || channels == 3, "PNG images have 1 (gray) or 3 (RGB) channels, not \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(width)x\(height)x\(channels) image needs \(width * height * channels) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The image as PNG bytes.
    public func pngData() -> [UInt8] {
        PNG.encode(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Writes the image as a PNG file, atomically.
    public func writePNG(to path: String) throws {
        try AtomicFile.write(pngData(), to: path, what: "PNG")
    }
}

public enum PNG {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes 8-bit pixels (1 channel: gray, 3: RGB; rows top to bottom) as a PNG file.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max),
                     "PNG size \(width)x\(height) out of range")
        precondition(channels == 1 || channels == 3, "PNG.encode: channels must be 1 (gray) or 3 (RGB), not \(channels)")
        precondition(pixels.count == width * height * channels,
                     "PNG.encode: \(width)x\(height)x\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        var ihdr: [UInt8] = []
        appendBE32(&ihdr, UInt32(width))
        appendBE32(&ihdr, UInt32(height))
        ihdr += [8, channels == 1 ? 0 : 2, 0, 0, 0]  // bit depth, color type, deflate, adaptive filters, no interlace

        let filtered = filterRows(width: width, height: height, channels: channels, pixels: pixels)
        var bound = compressBound(uLong(filtered.count))
        var idat = [UInt8](repeating: 0, count: Int(bound))
        let status = compress2(&idat, &bound, filtered, uLong(filtered.count), 6)  // level 9 costs 3x the time for ~1% smaller files
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        idat.removeSubrange(Int(bound)...)

        var out = signature
        appendChunk(&out, "IHDR", ihdr)
        appendChunk(&out, "IDAT", idat)
        appendChunk(&out, "IEND", [])
        return out
    }

    /// Encodes and writes a PNG atomically, so that a viewer or a crash never sees half a file.
    public static func write(to path: String, width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try AtomicFile.write(encode(width: width, height: height, channels: channels, pixels: pixels), to: path, what: "PNG")
    }

    /// Each row prefixed with the filter byte that makes it most compressible, judged by the
    /// smallest sum of absolute (signed) residuals — the heuristic of libpng and the PNG spec.
    static func filterRows(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        let stride = width * channels, bpp = channels
        var out = [UInt8](repeating: 0, count: height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        pixels.withUnsafeBufferPointer { px in
            for y in 0 ..< height {
                let row = px.baseAddress! + y * stride
                let up: UnsafePointer<UInt8>? = y > 0 ? row - stride : nil
                var bestScore = Int.max
                for filter in UInt8(0) ... 4 {
                    var score = 0
                    for i in 0 ..< stride {
                        let a = i >= bpp ? row[i - bpp] : 0
                        let b = up?[i] ?? 0
                        let c = i >= bpp ? (up?[i - bpp] ?? 0) : 0
                        let r = row[i] &- predict(filter, a, b, c)
                        candidate[i] = r
                        score += Int(Int8(bitPattern: r).magnitude)
                    }
                    if score < bestScore {
                        bestScore = score
                        let base = y * (stride + 1)
                        out[base] = filter
                        for i in 0 ..< stride { out[base + 1 + i] = candidate[i] }
                    }
                }
            }
        }
        return out
    }

    /// The predictor of PNG filter type `filter` from the left (a), up (b) and up-left (c) bytes.
    @inline(__always)
    static func predict(_ filter: UInt8, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        switch filter {
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        case 4:
            let p = Int(a) + Int(b) - Int(c)
            let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
            return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: return 0
        }
    }

    static func appendBE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }

    static func crc(_ type: [UInt8], _ data: [UInt8]) -> UInt32 {
        var c = crc32(0, type, uInt(type.count))
        c = data.withUnsafeBufferPointer { crc32(c, $0.baseAddress, uInt($0.count)) }
        return UInt32(c)
    }

    static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        let t = Array(type.utf8)
        appendBE32(&out, UInt32(data.count))
        out += t
        out += data
        appendBE32(&out, crc(t, data))
    }
}
