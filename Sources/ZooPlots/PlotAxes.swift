// Axes shared by LinePlot and ScatterPlot: ranges with a small margin around the data, tick
// positions at "nice" numbers (1, 2 or 5 times a power of ten; powers of ten on a log axis),
// compact tick labels, and the frame, grid and labels drawn around a plot area.

import Foundation

struct Axis {
    var lo: Double
    var hi: Double
    var log: Bool
    var ticks: [Double]
    var labels: [String]

    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi` (NaN for non-positive values on a log axis).
    func fraction(_ v: Double) -> Double {
        if log {
            guard v > 0 else { return .nan }
            return (Foundation.log10(v) - lo) / (hi - lo)
        }
        return (v - lo) / (hi - lo)
    }

    /// A linear axis around [min, max] with a 4% margin and about `target` ticks; for
    /// `integral` data (epochs) the ticks are whole numbers too.
    static func linear(_ min: Double, _ max: Double, target: Int, integral: Bool = false) -> Axis {
        var lo = min, hi = max
        if !(lo.isFinite && hi.isFinite) || lo > hi { (lo, hi) = (0, 1) }
        // Stay clear of overflow in the arithmetic below; such values are not plotted meaningfully anyway.
        (lo, hi) = (Swift.min(Swift.max(lo, -1e300), 1e300), Swift.max(Swift.min(hi, 1e300), -1e300))
        if hi - lo <= Swift.max(abs(lo), abs(hi)) * 1e-12 {
            // A constant (or a single point): a window around it.
            let d = integral || lo == 0 ? 1 : abs(lo) * 0.1
            (lo, hi) = (lo - d, hi + d)
        } else {
            let pad = (hi - lo) * 0.04
            (lo, hi) = (lo - pad, hi + pad)
        }
        let nice = niceStep((hi - lo) / Double(Swift.max(2, target)))
        let step = integral ? Swift.max(1, nice) : nice
        let first = (lo / step).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        guard step.isFinite, step > 0, first.isFinite, last.isFinite, last - first < 1000 else {
            // Nothing nice fits (a span near the limits of Double): label the ends.
            return Axis(lo: lo, hi: hi, log: false, ticks: [lo, hi], labels: [lo, hi].map { String(format: "%.3g", $0) })
        }
        let ticks = stride(from: first, through: last, by: 1).map { $0 * step == 0 ? 0 : $0 * step }
        let maxAbs = ticks.map(abs).max() ?? 0
        return Axis(lo: lo, hi: hi, log: false, ticks: ticks, labels: ticks.map { format($0, step: step, maxAbs: maxAbs) })
    }

    /// A log10 axis around the positive values [min, max].
    static func logarithmic(_ min: Double, _ max: Double) -> Axis {
        var lo = min > 0 && min.isFinite ? Foundation.log10(min) : 0
        var hi = max > 0 && max.isFinite ? Foundation.log10(max) : lo + 1
        // Denormals and the top of Double's range have no usable powers of ten around them.
        (lo, hi) = (Swift.min(Swift.max(lo, -300), 300), Swift.min(Swift.max(hi, -300), 300))
        if hi - lo < 1e-9 { (lo, hi) = (lo - 0.5, hi + 0.5) }
        let pad = (hi - lo) * 0.04
        (lo, hi) = (lo - pad, hi + pad)
        let decades = hi - lo
        let multiples: [Double] = decades < 1.2 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : (decades <= 3.5 ? [1, 2, 5] : [1])
        var ticks: [Double] = []
        for e in Int(lo.rounded(.down)) ... Int(hi.rounded(.up)) {
            for m in multiples {
                let v = m * Foundation.pow(10, Double(e))
                let p = Foundation.log10(v)
                if p >= lo - 1e-9 && p <= hi + 1e-9 { ticks.append(v) }
            }
        }
        // Many decades: label every second (third, ...) one.
        let every = Swift.max(1, ticks.count / 8 + (ticks.count % 8 == 0 ? 0 : 1))
        if every > 1 { ticks = ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element) }
        let labels = ticks.map { v -> String in
            let e = Int((Foundation.log10(v) + 1e-9).rounded(.down))
            return e >= -3 && e <= 5 ? format(v, step: Foundation.pow(10, Double(Swift.min(e, 0))), maxAbs: v)
                                     : format(v, step: Foundation.pow(10, Double(e)), maxAbs: v)
        }
        return Axis(lo: lo, hi: hi, log: true, ticks: ticks, labels: labels)
    }

    /// A linear x axis with as many ticks as fit `pixels` without the labels crowding:
    /// each tick gets at least its widest label plus two gaps.
    static func horizontal(_ min: Double, _ max: Double, pixels: Int, style: PlotStyle, integral: Bool = false) -> Axis {
        var target = Swift.min(10, Swift.max(2, pixels / (8 * style.gap)))
        while true {
            let axis = linear(min, max, target: target, integral: integral)
            let widest = axis.labels.map { Canvas.textWidth($0, scale: style.scale) }.max() ?? 0
            let spacing = Double(pixels) * (axis.ticks.count > 1 ? (axis.ticks[1] - axis.ticks[0]) / (axis.hi - axis.lo) : 1)
            if target <= 2 || spacing >= Double(widest + 2 * style.gap) { return axis }
            target -= 1
        }
    }

    /// 1, 2 or 5 times a power of ten, the one nearest `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let mag = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let norm = raw / mag
        return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag
    }

    /// A tick label with as many decimals as the step needs: "0.25" is never needed (steps are
    /// 1/2/5 x 10^k); very large or small numbers use a short exponent form, "2e-5" or "1.5e6".
    static func format(_ v: Double, step: Double, maxAbs: Double) -> String {
        if v == 0 { return "0" }
        guard v.isFinite, step.isFinite, step > 0, maxAbs.isFinite, maxAbs > 0 else { return String(format: "%.3g", v) }
        if maxAbs >= 1e6 || maxAbs < 1e-3 {
            let e = Int((Foundation.log10(maxAbs) + 1e-9).rounded(.down))
            let scale = Foundation.pow(10, Double(e))
            let decimals = Swift.min(6, Swift.max(0, Int((-Foundation.log10(step / scale) - 1e-9).rounded(.up))))
            return fixed(v / scale, decimals) + "e\(e)"
        }
        let decimals = step >= 1 ? 0 : Swift.min(10, Int((-Foundation.log10(step) - 1e-9).rounded(.up)))
        return fixed(v, decimals)
    }

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        // "-0.0" reads as a different number from "0.0".
        return s.hasPrefix("-") && s.allSatisfy({ "-0.".contains($0) }) ? String(s.dropFirst()) : s
    }
}

/// Sizes that scale with the text: a plot at scale 2 has 14-pixel capitals.
struct PlotStyle {
    var scale: Int
    var charHeight: Int { BitmapFont.capHeight * scale }
    var gap: Int { 5 * scale }
    var tickLength: Int { 3 * scale }

    static func automatic(width: Int, height: Int) -> PlotStyle {
        PlotStyle(scale: max(1, min(width, height) / 250))
    }
}

extension Canvas {
    /// Draws the frame, grid lines, ticks, tick labels, axis labels and title around `area`
    /// (x, y, w, h of the plot area in pixels).
    mutating func drawAxes(area: (x: Int, y: Int, w: Int, h: Int), xAxis: Axis, yAxis: Axis,
                           title: String, xLabel: String, yLabel: String, style: PlotStyle) {
        let gridColor = RGB(232, 232, 232), frameColor = RGB(60, 60, 60), textColor = RGB(30, 30, 30)
        let s = style.scale
        let bottom = area.y + area.h - 1, right = area.x + area.w - 1
        for (tick, label) in zip(xAxis.ticks, xAxis.labels) {
            let f = xAxis.fraction(tick)
            guard f.isFinite else { continue }
            let px = area.x + Int((f * Double(area.w - 1)).rounded())
            vline(x: px, y0: area.y, y1: bottom, gridColor)
            vline(x: px, y0: bottom, y1: bottom + style.tickLength, frameColor)
            text(label, x: px, y: bottom + style.tickLength + style.gap / 2 + 1, scale: s, color: textColor, align: .center)
        }
        for (tick, label) in zip(yAxis.ticks, yAxis.labels) {
            let f = yAxis.fraction(tick)
            guard f.isFinite else { continue }
            let py = bottom - Int((f * Double(area.h - 1)).rounded())
            hline(x0: area.x, x1: right, y: py, gridColor)
            hline(x0: area.x - style.tickLength, x1: area.x, y: py, frameColor)
            text(label, x: area.x - style.tickLength - style.gap / 2 - 1, y: py - style.charHeight / 2,
                 scale: s, color: textColor, align: .right)
        }
        strokeRect(x: area.x, y: area.y, w: area.w, h: area.h, frameColor)
        if !title.isEmpty {
            // Drawn twice, one pixel apart: a bold title.
            text(title, x: area.x + area.w / 2, y: style.gap, scale: s, color: .black, align: .center)
            text(title, x: area.x + area.w / 2 + 1, y: style.gap, scale: s, color: .black, align: .center)
        }
        if !xLabel.isEmpty {
            text(xLabel, x: area.x + area.w / 2, y: height - style.gap - style.charHeight, scale: s, color: textColor, align: .center)
        }
        if !yLabel.isEmpty {
            text(yLabel, x: style.gap, y: area.y + area.h / 2, scale: s, color: textColor, align: .center, vertical: true)
        }
    }

    /// A legend box: a color swatch (a short line, or a dot) and a name per entry.
    mutating func drawLegend(_ entries: [(String, RGB)], x: Int, y: Int, style: PlotStyle, dots: Bool) {
        guard !entries.isEmpty else { return }
        let s = style.scale
        let swatch = 8 * s, rowHeight = style.charHeight + 2 * s + style.gap / 2
        let (w, h) = Canvas.legendSize(entries.map(\.0), style: style)
        for yy in y ..< y + h { for xx in x ..< x + w { blend(xx, yy, .white, 0.85) } }
        strokeRect(x: x, y: y, w: w, h: h, RGB(200, 200, 200))
        for (i, (name, color)) in entries.enumerated() {
            let top = y + style.gap + i * rowHeight
            let mid = Double(top) + Double(style.charHeight) / 2
            let x0 = Double(x + style.gap)
            if dots {
                disc(x0 + Double(swatch) / 2, mid, radius: 2.5 * Double(s), color)
            } else {
                line(x0, mid, x0 + Double(swatch), mid, color, width: 1.5 * Double(s))
            }
            text(name, x: x + style.gap + swatch + style.gap, y: top, scale: s, color: RGB(30, 30, 30))
        }
    }

    /// The legend's size for `entries`, to place it.
    static func legendSize(_ entries: [String], style: PlotStyle) -> (w: Int, h: Int) {
        let s = style.scale
        let swatch = 8 * s, rowHeight = style.charHeight + 2 * s + style.gap / 2
        let widest = entries.map { Canvas.textWidth($0, scale: s) }.max() ?? 0
        return (style.gap + swatch + style.gap + widest + style.gap, style.gap + entries.count * rowHeight)
    }
}
