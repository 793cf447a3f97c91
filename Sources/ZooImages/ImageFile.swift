// Reading an image of either format: the format is sniffed from the first bytes, the size
// checked from the header, then the pixels decoded through libpng or libjpeg-turbo.

import CZooImageCodecs
import ZooFiles

public enum ImageFile {
    /// Reads and decodes a PNG or JPEG file into 8-bit gray or RGB (see `decode`).
    public static func read(path: String, limits: ImageLimits = .standard) throws -> PixelImage {
        try decode(FileIO.read(path), source: path, limits: limits)
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
