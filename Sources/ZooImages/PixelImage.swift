// The one image type of zoo: 8-bit samples, gray or RGB, rows top to bottom. Decoders
// produce it from any PNG or JPEG, the resizing and cropping work on it, and the encoders,
// grids and plots write it.

import ZooFiles

/// An 8-bit image: `channels` is 1 (gray) or 3 (RGB); `pixels` holds height rows of
/// width * channels bytes, top row first, the samples of a pixel side by side (RGBRGB...).
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// Mutable for drawing on an image; its size must not change.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image of \(width)x\(height) pixels")
        precondition(channels == 1 || channels == 3, "images have 1 (gray) or 3 (RGB) channels, not \(channels)")
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

    /// The image as JPEG bytes of `quality` 1-100 (libjpeg's scale; 75 is its default).
    public func jpegData(quality: Int = 90) -> [UInt8] {
        JPEG.encode(self, quality: quality)
    }

    /// Writes the image as a JPEG file, atomically.
    public func writeJPEG(to path: String, quality: Int = 90) throws {
        try AtomicFile.write(jpegData(quality: quality), to: path, what: "JPEG")
    }
}
