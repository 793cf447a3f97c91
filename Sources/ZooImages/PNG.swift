// PNG files through libpng: reading any PNG (every bit depth and color type, palettes,
// transparency, interlacing) into 8-bit gray or RGB, and writing 8-bit gray or RGB for sample
// grids and plots. Writing is deterministic: the same pixels give the same bytes (no time
// stamp, no text chunks), and files go to disk through AtomicFile.

import CZooImageCodecs
import ZooFiles

public enum PNG {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes 8-bit pixels (1 channel: gray, 3: RGB; rows top to bottom) as a PNG file.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max),
                     "PNG size \(width)x\(height) out of range")
        precondition(channels == 1 || channels == 3, "PNG.encode: channels must be 1 (gray) or 3 (RGB), not \(channels)")
        precondition(pixels.count == width * height * channels,
                     "PNG.encode: \(width)x\(height)x\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        let layout = PNGLayout(colorType: channels == 1 ? .gray : .rgb, bitDepth: 8)
        do {
            return try encode(samples: pixels, width: width, height: height, layout: layout)
        } catch {
            // Valid 8-bit pixels only fail to encode when memory runs out.
            preconditionFailure("\(error)")
        }
    }

    /// Encodes and writes a PNG atomically, so that a viewer or a crash never sees half a file.
    public static func write(to path: String, width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try AtomicFile.write(encode(width: width, height: height, channels: channels, pixels: pixels), to: path, what: "PNG")
    }

    /// Reads a PNG file (any kind; see `decode`).
    public static func read(path: String, limits: ImageLimits = .standard) throws -> PixelImage {
        try decode(ImageFile.readFile(path, limits: limits), source: path, limits: limits)
    }

    /// Decodes PNG bytes into 8-bit gray (gray and gray+alpha files) or RGB (the rest):
    /// 16-bit samples are rounded to 8 bits, palettes expanded, alpha composited over black.
    /// `source` names the data in errors.
    public static func decode(_ bytes: [UInt8], source: String = "PNG data", limits: ImageLimits = .standard) throws -> PixelImage {
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected a PNG") }
        guard bytes.starts(with: signature) else { throw DataError(.badPNG, "\(source): not a PNG file (bad signature)") }
        // libpng reads every chunk up to the first IDAT before it reports the size; the size
        // in IHDR, always the first chunk, is checked before that.
        if let (width, height) = headerSize(bytes) {
            try limits.check(width: width, height: height, source: source, format: "PNG")
        }
        return try ImageFile.decode(bytes, source: source, limits: limits, with: decoder)
    }

    /// The width and height in the IHDR chunk, when the bytes hold one where it must be
    /// (right after the signature); libpng checks the rest, its CRC included.
    static func headerSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 24, bytes[12 ..< 16].elementsEqual("IHDR".utf8) else { return nil }
        func be32(_ o: Int) -> Int { Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]) }
        return (be32(16), be32(20))
    }

    static let decoder = ImageFile.Decoder(format: .png, errorKind: .badPNG, info: zoo_png_info, decode: zoo_png_decode)

    /// Encodes samples already packed as PNG rows for `layout` (each row ceil(width * bits
    /// per pixel / 8) bytes; 16-bit samples big-endian): any PNG libpng writes, for tests
    /// that need palettes, low and high bit depths, alpha or interlacing.
    static func encode(samples: [UInt8], width: Int, height: Int, layout: PNGLayout) throws -> [UInt8] {
        let rowBytes = (width * layout.colorType.samplesPerPixel * layout.bitDepth + 7) / 8
        precondition(samples.count == rowBytes * height, "PNG.encode: \(height) rows of \(rowBytes) bytes needed, got \(samples.count)")
        var out: UnsafeMutablePointer<UInt8>?
        var outCount = 0
        let why = samples.withUnsafeBufferPointer { input in
            layout.palette.withUnsafeBufferPointer { palette in
                layout.transparency.withUnsafeBufferPointer { transparency in
                    var c = zoo_png_layout(
                        color_type: Int32(layout.colorType.rawValue), bit_depth: Int32(layout.bitDepth),
                        interlaced: layout.interlaced ? 1 : 0, compression_level: Int32(layout.compressionLevel),
                        palette: palette.baseAddress, palette_count: Int32(layout.palette.count / 3),
                        transparency: transparency.baseAddress, transparency_count: Int32(layout.transparency.count))
                    return CodecCall.run {
                        zoo_png_encode(input.baseAddress, UInt32(width), UInt32(height), &c, &out, &outCount, $0, $1)
                    }
                }
            }
        }
        let bytes = CodecCall.adopt(out, count: outCount)
        if let why { throw DataError(.badPNG, "cannot encode PNG: \(why)") }
        return bytes
    }
}

/// How `PNG.encode(samples:...)` lays out a file.
struct PNGLayout {
    enum ColorType: Int {
        case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6

        var samplesPerPixel: Int {
            switch self {
            case .gray, .palette: return 1
            case .grayAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    var colorType: ColorType
    var bitDepth: Int
    var interlaced = false
    /// zlib's level; 6, its default, is within about 1% of 9's size at a third of the time.
    var compressionLevel = 6
    /// RGB triples, for `.palette`.
    var palette: [UInt8] = []
    /// Alpha per palette entry (a tRNS chunk), for `.palette`.
    var transparency: [UInt8] = []
}
