// How large an image a decoder accepts. A PNG or JPEG header can promise any size up to
// 4 billion pixels on a side in a file of a few bytes; the size is checked from the header,
// before a single pixel buffer is allocated, so such a file costs nothing but an error.

import ZooFiles

public struct ImageLimits: Sendable, Equatable {
    /// The longest side accepted, in pixels.
    public var maxSide: Int
    /// The most pixels accepted (width * height).
    public var maxPixels: Int

    public init(maxSide: Int = 16384, maxPixels: Int = 1 << 28) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
    }

    /// 16384 on a side and 2^28 pixels: a 16384x16384 RGBA image decodes in 1 GiB.
    public static let standard = ImageLimits()

    /// Throws unless an image of `width` x `height` is within the limits.
    func check(width: Int, height: Int, source: String, format: String) throws {
        guard width <= maxSide, height <= maxSide, width.multipliedReportingOverflow(by: height).partialValue <= maxPixels else {
            throw DataError(.imageTooLarge, "\(source): \(format) header says \(width)x\(height) pixels, over the limit of \(maxSide) on a side and \(maxPixels) pixels; not decoding it")
        }
    }
}
