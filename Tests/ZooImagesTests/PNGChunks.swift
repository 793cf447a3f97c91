// Building and taking apart PNG files chunk by chunk, to craft files no encoder would write
// (a 30000x30000 header, split IDATs). The CRC is computed here, bit by bit, independently
// of libpng and zlib.

/// CRC-32 (the polynomial of PNG, gzip and zip) of `bytes`.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func bigEndian32(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
}

/// One chunk: length, type, data, CRC of type and data.
func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeAndData = Array(type.utf8) + data
    return bigEndian32(UInt32(data.count)) + typeAndData + bigEndian32(crc32(typeAndData))
}

/// The chunks of a well-formed PNG, in order.
func pngChunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])] {
    var chunks: [(type: String, data: [UInt8])] = []
    var offset = 8
    while offset + 12 <= png.count {
        let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
        let type = String(decoding: png[offset + 4 ..< offset + 8], as: UTF8.self)
        chunks.append((type, Array(png[offset + 8 ..< offset + 8 + length])))
        offset += 12 + length
    }
    return chunks
}

/// An IHDR chunk's data: size, bit depth, color type, no interlacing.
func ihdrData(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 2) -> [UInt8] {
    bigEndian32(width) + bigEndian32(height) + [bitDepth, colorType, 0, 0, 0]
}
