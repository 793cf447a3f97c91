// Making images of any size and shape into the squares a model trains on, as torchvision's
// Resize(S) followed by CenterCrop(S) does: scale so the shorter side is S (keeping the
// aspect ratio), then cut the middle S x S out of the longer side.

extension PixelImage {
    /// Scaled so that the shorter side is `side` pixels and the aspect ratio kept; the longer
    /// side becomes floor(side * long / short), as in torchvision's Resize(side).
    public func resizedShorterSide(to side: Int) -> PixelImage {
        precondition(side > 0, "cannot resize the shorter side to \(side)")
        let short = min(width, height), long = max(width, height)
        let newLong = max(side, Int(Double(side * long) / Double(short)))
        return width <= height ? resized(width: side, height: newLong) : resized(width: newLong, height: side)
    }

    /// The middle `cropWidth` x `cropHeight` pixels. When the excess on an axis is odd, the
    /// extra pixel is cut where torchvision's CenterCrop cuts it: the offset is the excess /
    /// 2 rounded half to even.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) -> PixelImage {
        precondition(cropWidth > 0 && cropHeight > 0 && cropWidth <= width && cropHeight <= height,
                     "cannot crop \(cropWidth)x\(cropHeight) out of \(width)x\(height)")
        if cropWidth == width && cropHeight == height { return self }
        let left = Int((Double(width - cropWidth) / 2).rounded(.toNearestOrEven))
        let top = Int((Double(height - cropHeight) / 2).rounded(.toNearestOrEven))
        var out: [UInt8] = []
        out.reserveCapacity(cropWidth * cropHeight * channels)
        for y in top ..< top + cropHeight {
            let start = (y * width + left) * channels
            out += pixels[start ..< start + cropWidth * channels]
        }
        return PixelImage(width: cropWidth, height: cropHeight, channels: channels, pixels: out)
    }

    /// A `side` x `side` image with `channels` channels: the shorter side scaled to `side`,
    /// the middle square cut out, then the channels converted.
    public func fitted(side: Int, channels: Int) -> PixelImage {
        resizedShorterSide(to: side).centerCropped(width: side, height: side).converted(toChannels: channels)
    }
}
