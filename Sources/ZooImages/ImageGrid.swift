// Sample sheets: many small images tiled into one picture, laid out like torchvision's
// save_image(make_grid(x, nrow=8, padding=2, normalize=True, value_range=...)) so that
// pictures from zoo and from PyTorch code can be compared side by side.

public enum ImageGrid {
    /// Tiles `count` images of channels x rows x cols float pixels (flat, image after image,
    /// each channel after channel, row-major: NCHW) into one gray (1 channel) or RGB (3) image.
    ///
    /// - `range`: the values shown as black and white (0...1 for a sigmoid decoder, -1...1
    ///   for a tanh generator); values outside are clamped, NaN shows black.
    /// - `nrow`: images per grid row (torchvision's name: it is the number of columns).
    /// - `padding`: pixels between images and around the border, filled with `padValue`.
    ///
    /// The grid is min(nrow, count) images wide and ceil(count / nrow) high, each cell
    /// (rows + padding) x (cols + padding) plus one more padding on the right and bottom:
    /// 64 MNIST images with nrow 8 and padding 2 make 242 x 242 pixels. As in torchvision, a
    /// single image is returned as it is, without padding.
    public static func make(images: [Float], count: Int, channels: Int = 1, rows: Int, cols: Int,
                            range: ClosedRange<Float> = 0 ... 1, nrow: Int = 8,
                            padding: Int = 2, padValue: UInt8 = 0) -> PixelImage {
        precondition(images.count == count * channels * rows * cols,
                     "ImageGrid: \(count) images of \(channels)x\(rows)x\(cols) need \(count * channels * rows * cols) floats, got \(images.count)")
        let lo = range.lowerBound, span = range.upperBound - range.lowerBound
        precondition(span > 0, "ImageGrid: empty value range \(range)")
        return layout(count: count, channels: channels, rows: rows, cols: cols, nrow: nrow, padding: padding, padValue: padValue) { i in
            let v = images[i]
            // As torchvision: scale to 0...1, clamp, then byte = floor(x * 255 + 0.5).
            let t = (v - lo) / span
            guard t == t else { return 0 }  // NaN
            return UInt8(min(max(t, 0), 1) * 255 + 0.5)
        }
    }

    /// Tiles byte images (e.g. dataset samples: `dataset.trainImages` slices) as they are.
    public static func make(bytes: [UInt8], count: Int, channels: Int = 1, rows: Int, cols: Int,
                            nrow: Int = 8, padding: Int = 2, padValue: UInt8 = 0) -> PixelImage {
        precondition(bytes.count == count * channels * rows * cols,
                     "ImageGrid: \(count) images of \(channels)x\(rows)x\(cols) need \(count * channels * rows * cols) bytes, got \(bytes.count)")
        return layout(count: count, channels: channels, rows: rows, cols: cols, nrow: nrow, padding: padding, padValue: padValue) { bytes[$0] }
    }

    /// The grid's size in pixels for `count` images.
    public static func size(count: Int, rows: Int, cols: Int, nrow: Int = 8, padding: Int = 2) -> (width: Int, height: Int) {
        if count == 1 { return (cols, rows) }
        let across = max(1, min(nrow, count))
        let down = max(1, (count + across - 1) / across)
        return (across * (cols + padding) + padding, down * (rows + padding) + padding)
    }

    /// The grid of `count` images of channels x rows x cols, `pixel(i)` giving element i of
    /// the NCHW input; the output interleaves the channels (RGB RGB ...) as PNG does.
    static func layout(count: Int, channels: Int, rows: Int, cols: Int, nrow: Int, padding: Int, padValue: UInt8,
                       pixel: (Int) -> UInt8) -> PixelImage {
        precondition(count >= 0 && rows > 0 && cols > 0 && nrow > 0 && padding >= 0 && (channels == 1 || channels == 3),
                     "ImageGrid: bad layout count \(count), \(channels)x\(rows)x\(cols), nrow \(nrow), padding \(padding)")
        let (width, height) = size(count: count, rows: rows, cols: cols, nrow: nrow, padding: padding)
        let across = max(1, min(nrow, count))
        let padding = count == 1 ? 0 : padding
        var out = [UInt8](repeating: padValue, count: width * height * channels)
        let plane = rows * cols
        for n in 0 ..< count {
            let x0 = (n % across) * (cols + padding) + padding
            let y0 = (n / across) * (rows + padding) + padding
            let base = n * channels * plane
            for r in 0 ..< rows {
                for c in 0 ..< cols {
                    for k in 0 ..< channels {
                        out[((y0 + r) * width + x0 + c) * channels + k] = pixel(base + k * plane + r * cols + c)
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: out)
    }
}
