// A small RGB raster with the few drawing operations plots need: crisp axis lines,
// antialiased data lines and dots (coverage from the distance to the shape), and text in the
// bitmap font. Drawing outside the clip rectangle is silently dropped, so callers need not clip.

import ZooImages

/// An 8-bit RGB color.
public struct RGB: Sendable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(UInt8(hex >> 16 & 0xff), UInt8(hex >> 8 & 0xff), UInt8(hex & 0xff))
    }

    public static let black = RGB(0, 0, 0)
    public static let white = RGB(255, 255, 255)

    /// matplotlib's "tab10": ten colors that stay distinguishable, also for most color-blind
    /// readers; used for series and for the classes 0-9 of a scatter plot.
    public static let palette: [RGB] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { RGB(hex: $0) }
}

public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    /// width * height * 3 bytes, rows top to bottom.
    public var pixels: [UInt8]
    /// Drawing is limited to x in clip.x ..< clip.x + clip.w (same for y).
    var clip: (x: Int, y: Int, w: Int, h: Int)

    public init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "canvas of \(width)x\(height)")
        self.width = width
        self.height = height
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: px.count, by: 3) {
            px[i] = background.r
            px[i + 1] = background.g
            px[i + 2] = background.b
        }
        pixels = px
        clip = (0, 0, width, height)
    }

    public var image: PixelImage { PixelImage(width: width, height: height, channels: 3, pixels: pixels) }

    mutating func resetClip() { clip = (0, 0, width, height) }

    /// Limits drawing to a rectangle (within the canvas).
    mutating func setClip(x: Int, y: Int, w: Int, h: Int) {
        let x0 = min(max(x, 0), width), y0 = min(max(y, 0), height)
        let x1 = min(max(x + max(w, 0), x0), width), y1 = min(max(y + max(h, 0), y0), height)
        clip = (x0, y0, x1 - x0, y1 - y0)
    }

    /// Coordinates far outside any canvas (a wild data point) are not drawn rather than
    /// converted to Int, which would trap.
    @inline(__always)
    static func drawable(_ v: Double) -> Bool { v.isFinite && abs(v) < 1e7 }

    @inline(__always)
    func inClip(_ x: Int, _ y: Int) -> Bool {
        x >= clip.x && x < clip.x + clip.w && y >= clip.y && y < clip.y + clip.h
    }

    public mutating func set(_ x: Int, _ y: Int, _ c: RGB) {
        guard inClip(x, y) else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.r
        pixels[i + 1] = c.g
        pixels[i + 2] = c.b
    }

    /// Mixes `c` into a pixel with opacity `alpha` (0...1).
    public mutating func blend(_ x: Int, _ y: Int, _ c: RGB, _ alpha: Double) {
        guard alpha > 0, inClip(x, y) else { return }
        let a = min(alpha, 1)
        let i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        pixels[i] = mix(pixels[i], c.r)
        pixels[i + 1] = mix(pixels[i + 1], c.g)
        pixels[i + 2] = mix(pixels[i + 2], c.b)
    }

    public mutating func fillRect(x: Int, y: Int, w: Int, h: Int, _ c: RGB) {
        let x0 = max(x, clip.x), x1 = min(x + w, clip.x + clip.w)
        let y0 = max(y, clip.y), y1 = min(y + h, clip.y + clip.h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0 ..< y1 {
            for xx in x0 ..< x1 { set(xx, yy, c) }
        }
    }

    public mutating func hline(x0: Int, x1: Int, y: Int, _ c: RGB) {
        fillRect(x: min(x0, x1), y: y, w: abs(x1 - x0) + 1, h: 1, c)
    }

    public mutating func vline(x: Int, y0: Int, y1: Int, _ c: RGB) {
        fillRect(x: x, y: min(y0, y1), w: 1, h: abs(y1 - y0) + 1, c)
    }

    /// Outline of a rectangle, 1 pixel wide.
    public mutating func strokeRect(x: Int, y: Int, w: Int, h: Int, _ c: RGB) {
        hline(x0: x, x1: x + w - 1, y: y, c)
        hline(x0: x, x1: x + w - 1, y: y + h - 1, c)
        vline(x: x, y0: y, y1: y + h - 1, c)
        vline(x: x + w - 1, y0: y, y1: y + h - 1, c)
    }

    /// An antialiased line of the given width between two points in pixel coordinates
    /// (pixel centers at +0.5), with round ends.
    public mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGB,
                              width lineWidth: Double = 2, alpha: Double = 1) {
        polyline([(x0, y0), (x1, y1)], c, width: lineWidth, alpha: alpha)
    }

    /// Antialiased connected segments. Coverage is the maximum over the segments (not their
    /// sum), so joints are not darker than the line; a non-finite point breaks the line.
    public mutating func polyline(_ points: [(Double, Double)], _ c: RGB, width lineWidth: Double = 2, alpha: Double = 1) {
        guard !points.isEmpty, clip.w > 0, clip.h > 0, lineWidth > 0, lineWidth < 1000 else { return }
        let half = lineWidth / 2
        var coverage = [Float](repeating: 0, count: clip.w * clip.h)
        var touched = false
        var previous: (Double, Double)?
        for p in points {
            guard Canvas.drawable(p.0), Canvas.drawable(p.1) else { previous = nil; continue }
            let (x0, y0) = previous ?? p
            previous = p
            let (x1, y1) = p
            let minX = max(clip.x, Int((min(x0, x1) - half - 1).rounded(.down)))
            let maxX = min(clip.x + clip.w - 1, Int((max(x0, x1) + half + 1).rounded(.up)))
            let minY = max(clip.y, Int((min(y0, y1) - half - 1).rounded(.down)))
            let maxY = min(clip.y + clip.h - 1, Int((max(y0, y1) + half + 1).rounded(.up)))
            guard minX <= maxX, minY <= maxY else { continue }
            touched = true
            let dx = x1 - x0, dy = y1 - y0
            let len2 = dx * dx + dy * dy
            for py in minY ... maxY {
                for px in minX ... maxX {
                    let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                    // Distance from the pixel center to the segment.
                    let t = len2 > 0 ? min(max(((cx - x0) * dx + (cy - y0) * dy) / len2, 0), 1) : 0
                    let ex = cx - (x0 + t * dx), ey = cy - (y0 + t * dy)
                    let cover = Float(min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1))
                    let k = (py - clip.y) * clip.w + (px - clip.x)
                    if cover > coverage[k] { coverage[k] = cover }
                }
            }
        }
        guard touched else { return }
        for k in coverage.indices where coverage[k] > 0 {
            blend(clip.x + k % clip.w, clip.y + k / clip.w, c, Double(coverage[k]) * alpha)
        }
    }

    /// A filled antialiased disc.
    public mutating func disc(_ cx: Double, _ cy: Double, radius: Double, _ c: RGB, alpha: Double = 1) {
        guard Canvas.drawable(cx), Canvas.drawable(cy), radius > 0, radius < 1000, clip.w > 0, clip.h > 0 else { return }
        let minX = max(clip.x, Int((cx - radius - 1).rounded(.down)))
        let maxX = min(clip.x + clip.w - 1, Int((cx + radius + 1).rounded(.up)))
        let minY = max(clip.y, Int((cy - radius - 1).rounded(.down)))
        let maxY = min(clip.y + clip.h - 1, Int((cy + radius + 1).rounded(.up)))
        guard minX <= maxX, minY <= maxY else { return }
        for py in minY ... maxY {
            for px in minX ... maxX {
                let dx = Double(px) + 0.5 - cx, dy = Double(py) + 0.5 - cy
                let cover = min(max(radius + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1)
                if cover > 0 { blend(px, py, c, cover * alpha) }
            }
        }
    }

    // MARK: Text

    public enum Align: Sendable { case left, center, right }

    /// Width in pixels of `text` drawn at `scale`.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        BitmapFont.shared.width(text) * scale
    }

    /// Height in pixels of a line of capitals and digits at `scale` (descenders go 2*scale lower).
    public static func textHeight(scale: Int = 1) -> Int { BitmapFont.capHeight * scale }

    /// Draws `text` with its top (the top of the capitals) at y. With `vertical`, the text
    /// runs bottom to top (as a y-axis label), with `x` its left edge and `y` the point the
    /// alignment refers to.
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGB = .black,
                              align: Align = .left, vertical: Bool = false) {
        let font = BitmapFont.shared
        let w = font.width(text) * scale
        let shift = align == .left ? 0 : (align == .center ? w / 2 : w)
        var pen = 0
        for ch in text {
            guard let g = font.glyph(ch) else {
                pen += (BitmapFont.spaceWidth + 1) * scale
                continue
            }
            for r in 0 ..< BitmapFont.cellHeight {
                let bits = g.rows[r]
                if bits == 0 { continue }
                for col in 0 ..< g.width where bits & UInt8(1 << (4 - (g.firstColumn + col))) != 0 {
                    let gx = pen + col * scale, gy = r * scale
                    for sy in 0 ..< scale {
                        for sx in 0 ..< scale {
                            if vertical {
                                // Rotated 90 degrees counter-clockwise: along the text is up.
                                set(x + gy + sy, y + shift - (gx + sx), color)
                            } else {
                                set(x - shift + gx + sx, y + gy + sy, color)
                            }
                        }
                    }
                }
            }
            pen += (g.width + 1) * scale
        }
    }
}
