// JPEG files through libjpeg-turbo: gray, YCbCr, RGB and CMYK files decode to 8-bit gray or
// RGB; a truncated or damaged file is an error, never a picture with gray blocks in it.

import CZooImageCodecs
import ZooFiles

public enum JPEG {
    /// Reads a JPEG file (see `decode`).
    public static func read(path: String, limits: ImageLimits = .standard) throws -> PixelImage {
        try decode(ImageFile.readFile(path, limits: limits), source: path, limits: limits)
    }

    /// Decodes JPEG bytes: gray files to 1 channel, the rest to RGB. Any warning of
    /// libjpeg's (premature end of data, corrupt data) fails the decode. `source` names the
    /// data in errors.
    public static func decode(_ bytes: [UInt8], source: String = "JPEG data", limits: ImageLimits = .standard) throws -> PixelImage {
        guard !bytes.isEmpty else { throw DataError(.emptyFile, "\(source): empty file, expected a JPEG") }
        guard ImageFormat.sniff(bytes) == .jpeg else { throw DataError(.badJPEG, "\(source): not a JPEG file (no SOI marker)") }
        return try ImageFile.decode(bytes, source: source, limits: limits, with: decoder)
    }

    static let decoder = ImageFile.Decoder(format: .jpeg, errorKind: .badJPEG, info: zoo_jpeg_info, decode: zoo_jpeg_decode)

    /// Encodes an image as a baseline JPEG of `quality` 1-100. Deterministic for a given
    /// libjpeg-turbo build.
    public static func encode(_ image: PixelImage, quality: Int = 90) -> [UInt8] {
        do {
            return try encode(samples: image.pixels, width: image.width, height: image.height,
                              components: image.channels, quality: quality)
        } catch {
            // A valid image only fails to encode when memory runs out.
            preconditionFailure("\(error)")
        }
    }

    /// Encodes interleaved 8-bit samples of 1 (gray), 3 (RGB) or 4 (CMYK, for tests of the
    /// decoder's conversion) components.
    static func encode(samples: [UInt8], width: Int, height: Int, components: Int, quality: Int) throws -> [UInt8] {
        precondition((1 ... 100).contains(quality), "JPEG quality \(quality) is not in 1...100")
        precondition(width > 0 && height > 0 && samples.count == width * height * components,
                     "JPEG.encode: \(width)x\(height)x\(components) needs \(width * height * components) bytes, got \(samples.count)")
        var out: UnsafeMutablePointer<UInt8>?
        var outCount = 0
        let why = samples.withUnsafeBufferPointer { input in
            CodecCall.run {
                zoo_jpeg_encode(input.baseAddress, UInt32(width), UInt32(height), Int32(components),
                                Int32(quality), &out, &outCount, $0, $1)
            }
        }
        let bytes = CodecCall.adopt(out, count: outCount)
        if let why { throw DataError(.badJPEG, "cannot encode JPEG: \(why)") }
        return bytes
    }
}
