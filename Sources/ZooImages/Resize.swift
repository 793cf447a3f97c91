// Resizing with the filters PIL and torchvision's Resize use on images: an area (box)
// filter when shrinking, so every source pixel counts as much as its footprint (no
// aliasing, however large the factor), and bilinear interpolation between pixel centers
// when enlarging. Each axis is done on its own (both filters are separable), in Float, and
// rounded to bytes once at the end, so the result is the same on every machine.

extension PixelImage {
    /// The image scaled to `width` x `height`, each axis with the area filter where it
    /// shrinks, bilinear where it grows, and copied where it keeps its size.
    public func resized(width newWidth: Int, height newHeight: Int) -> PixelImage {
        precondition(newWidth > 0 && newHeight > 0, "cannot resize to \(newWidth)x\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        let across = ResamplingWeights(from: width, to: newWidth)
        let down = ResamplingWeights(from: height, to: newHeight)
        let c = channels
        // Rows first: height x newWidth x channels.
        var rows = [Float](repeating: 0, count: height * newWidth * c)
        pixels.withUnsafeBufferPointer { source in
            rows.withUnsafeMutableBufferPointer { target in
                for y in 0 ..< height {
                    let sourceRow = y * width * c, targetRow = y * newWidth * c
                    for x in 0 ..< newWidth {
                        for (s, weight) in across.taps(x) {
                            for k in 0 ..< c { target[targetRow + x * c + k] += weight * Float(source[sourceRow + s * c + k]) }
                        }
                    }
                }
            }
        }
        // Then columns, into bytes.
        let stride = newWidth * c
        var column = [Float](repeating: 0, count: stride)
        var out = [UInt8](repeating: 0, count: newHeight * stride)
        rows.withUnsafeBufferPointer { source in
            for y in 0 ..< newHeight {
                for i in 0 ..< stride { column[i] = 0 }
                for (s, weight) in down.taps(y) {
                    let sourceRow = s * stride
                    for i in 0 ..< stride { column[i] += weight * source[sourceRow + i] }
                }
                for i in 0 ..< stride { out[y * stride + i] = UInt8(min(max(column[i].rounded(), 0), 255)) }
            }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: c, pixels: out)
    }
}

/// For one axis of `from` samples resampled to `to`: which source samples each output
/// sample mixes, and with what weights (summing to 1).
struct ResamplingWeights {
    /// Output i uses sources[offsets[i] ..< offsets[i + 1]] with the weights at the same places.
    private var offsets: [Int] = [0]
    private var sources: [Int] = []
    private var weights: [Float] = []

    init(from count: Int, to newCount: Int) {
        precondition(count > 0 && newCount > 0, "resampling \(count) samples to \(newCount)")
        let scale = Double(count) / Double(newCount)  // source samples per output sample
        for i in 0 ..< newCount {
            if newCount == count {
                append(i, 1)
            } else if newCount < count {
                // Area: the output sample covers [i, i + 1) * scale of the source axis; each
                // source sample weighs the length of its overlap with that span.
                let lo = Double(i) * scale, hi = Double(i + 1) * scale
                for s in Int(lo.rounded(.down)) ..< min(count, Int(hi.rounded(.up))) {
                    let overlap = min(hi, Double(s + 1)) - max(lo, Double(s))
                    if overlap > 0 { append(s, overlap / scale) }
                }
            } else {
                // Bilinear between pixel centers: output i's center, (i + 0.5) * scale, is
                // source position (i + 0.5) * scale - 0.5; at the borders the edge is repeated.
                let position = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(count - 1))
                let left = Int(position.rounded(.down)), fraction = position - Double(left)
                if fraction > 0 && left + 1 < count {
                    append(left, 1 - fraction)
                    append(left + 1, fraction)
                } else {
                    append(left, 1)
                }
            }
            offsets.append(sources.count)
        }
    }

    private mutating func append(_ source: Int, _ weight: Double) {
        sources.append(source)
        weights.append(Float(weight))
    }

    /// The (source index, weight) pairs of output sample `i`.
    func taps(_ i: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Float>> {
        zip(sources[offsets[i] ..< offsets[i + 1]], weights[offsets[i] ..< offsets[i + 1]])
    }
}
