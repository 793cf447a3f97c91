// Reading an image of either format: the format is sniffed from the first bytes, the size
// checked from the header, then the pixels decoded through libpng or libjpeg-turbo.

import CZooImageCodecs
import ZooFiles

public enum ImageFile {
    /// Reads and decodes a PNG or JPEG file into 8-bit gray or RGB (see `decode`).
    public static func read(path: String, limits: ImageLimits = .standard) throws -> PixelImage {
        try decode(readFile(path, limits: limits), source: path, limits: limits)
    }

    /// How much of a file is read first, for its header: PNG's IHDR is its first chunk, and
    /// a JPEG's frame header comes after its metadata segments, which rarely pass 64 KiB (when
    /// they do, `JPEGSegments` walks past them through the file).
    static let headerPrefixLength = 1 << 16

    /// The bytes of an image file, read only once the header in its first 64 KiB is within
    /// `limits`: a file whose header declares 30000x30000 pixels is refused before the rest of
    /// it (gigabytes, perhaps) is read. A header not readable from the prefix is checked by
    /// the decoder as usual.
    static func readFile(_ path: String, limits: ImageLimits) throws -> [UInt8] {
        let head = try FileIO.read(path, limit: headerPrefixLength)
        guard head.count == headerPrefixLength else { return head }  // the whole file
        let size: (width: Int, height: Int)?
        switch ImageFormat.sniff(head) {
        case .png?: size = PNG.headerSize(head) ?? headerSize(head, with: PNG.decoder)
        case .jpeg?: size = headerSize(head, with: JPEG.decoder) ?? JPEGSegments.frameSize(path: path)
        case nil: size = nil
        }
        if let size, let format = ImageFormat.sniff(head) {
            try limits.check(width: size.width, height: size.height, source: path, format: format.rawValue)
        }
        return try FileIO.read(path)
    }

    /// The size a decoder reads from the start of a file; nil when it cannot tell from these bytes.
    private static func headerSize(_ bytes: [UInt8], with decoder: Decoder) -> (width: Int, height: Int)? {
        bytes.withUnsafeBufferPointer { input in
            var info = zoo_image_info()
            guard CodecCall.run({ decoder.info(input.baseAddress!, input.count, &info, $0, $1) }) == nil else { return nil }
            return (Int(info.width), Int(info.height))
        }
    }

    /// Decodes PNG or JPEG bytes, whatever their extension said. Gray (and gray+alpha) files
    /// give 1 channel, everything else 3; alpha is composited over black (a transparent
    /// pixel is black, a half-transparent one half as bright). `source` names the data in errors.
    public static func decode(_ bytes: [UInt8], source: String = "image data", limits: ImageLimits = .standard) throws -> PixelImage {
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected a PNG or JPEG image") }
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNG.decode(bytes, source: source, limits: limits)
        case .jpeg: return try JPEG.decode(bytes, source: source, limits: limits)
        case nil:
            throw DataError(.notAnImage, "\(source): not a PNG or JPEG image (\(ImageFormat.describe(bytes)))")
        }
    }

    /// The two calls of a C decoder (header, then pixels), shared by PNG and JPEG.
    struct Decoder: Sendable {
        var format: ImageFormat
        var errorKind: DataError.Kind
        var info: @Sendable (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<zoo_image_info>, UnsafeMutablePointer<CChar>, Int) -> Int32
        var decode: @Sendable (UnsafePointer<UInt8>, Int, UnsafePointer<zoo_image_info>, UnsafeMutablePointer<UInt8>, Int,
                     UnsafeMutablePointer<CChar>, Int) -> Int32
    }

    static func decode(_ bytes: [UInt8], source: String, limits: ImageLimits, with decoder: Decoder) throws -> PixelImage {
        func failure(_ why: String) -> DataError { DataError(decoder.errorKind, "\(source): bad \(decoder.format.rawValue): \(why)") }
        return try bytes.withUnsafeBufferPointer { input in
            let data = input.baseAddress!
            var info = zoo_image_info()
            if let why = CodecCall.run({ decoder.info(data, input.count, &info, $0, $1) }) { throw failure(why) }
            let width = Int(info.width), height = Int(info.height)
            // Both libraries refuse empty images themselves; this keeps PixelImage's promise regardless.
            guard width > 0, height > 0 else { throw failure("header says \(width)x\(height) pixels") }
            try limits.check(width: width, height: height, source: source, format: decoder.format.rawValue)
            let decodeCount = width * height * Int(info.decode_bytes_per_pixel)
            let channels = Int(info.channels)
            var why: String?
            let pixels = [UInt8](unsafeUninitializedCapacity: decodeCount) { buffer, count in
                why = CodecCall.run { decoder.decode(data, input.count, &info, buffer.baseAddress!, decodeCount, $0, $1) }
                // The decoder composites or converts down to `channels` in place, at the front.
                count = why == nil ? width * height * channels : 0
            }
            if let why { throw failure(why) }
            return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
        }
    }
}
