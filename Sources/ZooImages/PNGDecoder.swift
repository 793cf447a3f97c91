// Reading PNGs back: enough of the format for what PNG.encode writes and for ordinary
// 8-bit gray/RGB files (any filter, any IDAT split, ancillary chunks skipped), so that tests
// and tools can check pictures. Everything else is refused with a one-line reason.

import CZlib
import ZooFiles

extension PNG {
    /// Reads a PNG file (8-bit gray or RGB, not interlaced).
    public static func read(path: String) throws -> PixelImage {
        try decode(FileIO.read(path), source: path)
    }

    /// Decodes PNG bytes (8-bit gray or RGB, not interlaced). `source` names them in errors.
    public static func decode(_ bytes: [UInt8], source: String = "PNG data") throws -> PixelImage {
        func fail(_ why: String) -> DataError { DataError(.badPNG, "\(source): \(why)") }
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected a PNG") }
        guard bytes.count >= 8, Array(bytes[0 ..< 8]) == signature else {
            throw fail("not a PNG file (bad signature)")
        }
        func be32(_ o: Int) -> UInt32 {
            UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3])
        }

        var offset = 8
        var width = 0, height = 0, channels = 0
        var idat: [UInt8] = []
        var sawIHDR = false, sawIEND = false
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { throw fail("truncated chunk header at byte \(offset)") }
            let length = Int(be32(offset))
            let typeBytes = Array(bytes[offset + 4 ..< offset + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= Int(Int32.max), bytes.count - offset - 12 >= length else {
                throw fail("truncated \(type) chunk (declares \(length) bytes, \(max(0, bytes.count - offset - 12)) left)")
            }
            let data = Array(bytes[offset + 8 ..< offset + 8 + length])
            let stored = be32(offset + 8 + length)
            let computed = crc(typeBytes, data)
            guard stored == computed else {
                throw fail("chunk \(type) has a bad CRC (stored 0x\(hex32(stored)), computed 0x\(hex32(computed))): the file is corrupt")
            }
            offset += 12 + length

            if !sawIHDR && type != "IHDR" { throw fail("first chunk is \(type), expected IHDR") }
            switch type {
            case "IHDR":
                guard !sawIHDR, length == 13 else { throw fail("bad IHDR chunk") }
                sawIHDR = true
                width = Int(UInt32(data[0]) << 24 | UInt32(data[1]) << 16 | UInt32(data[2]) << 8 | UInt32(data[3]))
                height = Int(UInt32(data[4]) << 24 | UInt32(data[5]) << 16 | UInt32(data[6]) << 8 | UInt32(data[7]))
                let depth = data[8], color = data[9]
                guard width > 0, height > 0 else { throw fail("image size \(width)x\(height)") }
                guard depth == 8 else { throw fail("bit depth \(depth) not supported (only 8)") }
                switch color {
                case 0: channels = 1
                case 2: channels = 3
                default:
                    let names: [UInt8: String] = [3: "palette", 4: "gray with alpha", 6: "RGBA"]
                    throw fail("color type \(color)\(names[color].map { " (\($0))" } ?? "") not supported (only gray and RGB)")
                }
                guard data[10] == 0, data[11] == 0 else { throw fail("unknown compression or filter method") }
                guard data[12] == 0 else { throw fail("interlaced PNG not supported") }
                // Refuse sizes whose pixels would not fit in memory rather than trap on them.
                let (area, o1) = width.multipliedReportingOverflow(by: height)
                let (total, o2) = area.multipliedReportingOverflow(by: channels)
                guard !o1, !o2, total <= 1 << 30 else { throw fail("image of \(width)x\(height) is too large") }
            case "IDAT":
                idat += data
            case "IEND":
                sawIEND = true
            default:
                // Ancillary chunks (lowercase first letter: tEXt, gAMA, pHYs, ...) carry nothing we need.
                if let first = typeBytes.first, first & 0x20 == 0 {
                    throw fail("critical chunk \(type) not supported")
                }
            }
            if sawIEND { break }
        }
        guard sawIHDR else { throw fail("no IHDR chunk") }
        guard sawIEND else { throw fail("truncated: no IEND chunk") }
        guard !idat.isEmpty else { throw fail("no image data (IDAT)") }

        let stride = width * channels
        let expected = height * (stride + 1)
        let raw: [UInt8]
        do {
            raw = try Zlib.inflate(idat, windowBits: 15, capacity: expected, source: source, format: "PNG zlib")
        } catch let error as DataError {
            throw DataError(.badPNG, error.message)
        }
        guard raw.count == expected else {
            throw fail("image data is \(raw.count) bytes, expected \(expected) for \(width)x\(height)")
        }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0 ..< height {
            let filter = raw[y * (stride + 1)]
            guard filter <= 4 else { throw fail("row \(y) has unknown filter type \(filter)") }
            let src = y * (stride + 1) + 1, dst = y * stride
            for i in 0 ..< stride {
                let a = i >= channels ? pixels[dst + i - channels] : 0
                let b = y > 0 ? pixels[dst - stride + i] : 0
                let c = i >= channels && y > 0 ? pixels[dst - stride + i - channels] : 0
                pixels[dst + i] = raw[src + i] &+ predict(filter, a, b, c)
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func hex32(_ v: UInt32) -> String {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)].map(hex2).joined()
    }
}
