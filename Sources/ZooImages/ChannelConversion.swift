// Gray to RGB and back. Luminance uses the ITU-R BT.601 weights (0.299, 0.587, 0.114), the
// ones PIL's convert("L") and torchvision's Grayscale use, in exact integer arithmetic so
// that every machine gets the same bytes.

extension PixelImage {
    /// The image with `channels` channels (1 or 3): gray is copied into R, G and B; RGB
    /// becomes round(0.299 R + 0.587 G + 0.114 B). The same image when it already has them.
    public func converted(toChannels channels: Int) -> PixelImage {
        precondition(channels == 1 || channels == 3, "images have 1 (gray) or 3 (RGB) channels, not \(channels)")
        if channels == self.channels { return self }
        let count = width * height
        let out: [UInt8]
        if channels == 3 {
            out = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, n in
                for i in 0 ..< count {
                    let v = pixels[i]
                    buffer[3 * i] = v
                    buffer[3 * i + 1] = v
                    buffer[3 * i + 2] = v
                }
                n = count * 3
            }
        } else {
            out = [UInt8](unsafeUninitializedCapacity: count) { buffer, n in
                for i in 0 ..< count {
                    buffer[i] = Self.luminance(pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2])
                }
                n = count
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: out)
    }

    /// round(0.299 r + 0.587 g + 0.114 b), exactly: the weights are thousandths, the sum
    /// at most 255000, and adding 500 before dividing rounds halves up.
    @inline(__always)
    static func luminance(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let weighted: UInt32 = 299 * UInt32(r) + 587 * UInt32(g) + 114 * UInt32(b)
        return UInt8((weighted + 500) / 1000)
    }
}
