// Scatter plots of 2-D points colored by class 0-9: how a model's latent space arranges the
// digits (or the clothes), with a legend naming the classes.

import ZooImages

public struct ScatterPlot: Sendable {
    public var xs: [Double]
    public var ys: [Double]
    /// A class 0...9 per point (colors from `RGB.palette`); other values are drawn gray.
    public var labels: [Int]
    /// Names for the legend, by class (e.g. `DatasetName.fashionMNIST.classNames`); nil: "0".."9".
    public var classNames: [String]?
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width: Int
    public var height: Int
    /// Dot radius in pixels and opacity; translucent dots show where many points pile up.
    public var pointRadius: Double
    public var opacity: Double

    public init(xs: [Double], ys: [Double], labels: [Int], classNames: [String]? = nil,
                title: String = "", xLabel: String = "", yLabel: String = "",
                width: Int = 700, height: Int = 600, pointRadius: Double = 2.5, opacity: Double = 0.6) {
        precondition(xs.count == ys.count && ys.count == labels.count,
                     "ScatterPlot: \(xs.count) xs, \(ys.count) ys, \(labels.count) labels")
        self.xs = xs
        self.ys = ys
        self.labels = labels
        self.classNames = classNames
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.pointRadius = pointRadius
        self.opacity = opacity
    }

    public func render() -> PixelImage {
        let style = PlotStyle.automatic(width: width, height: height)
        var canvas = Canvas(width: width, height: height)
        var xMin = Double.infinity, xMax = -Double.infinity, yMin = Double.infinity, yMax = -Double.infinity
        for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
            xMin = min(xMin, x); xMax = max(xMax, x)
            yMin = min(yMin, y); yMax = max(yMax, y)
        }
        if xMin > xMax { (xMin, xMax, yMin, yMax) = (0, 1, 0, 1) }

        // The legend sits outside the plot, on the right, for the classes present.
        let present = Set(labels.filter { (0 ..< 10).contains($0) }).sorted()
        let names = present.map { c in classNames.flatMap { c < $0.count ? $0[c] : nil } ?? String(c) }
        let legendSize = Canvas.legendSize(names, style: style)
        let top = style.gap + (title.isEmpty ? style.gap : style.charHeight + style.gap * 2)
        let bottom = style.tickLength + style.gap + style.charHeight + (xLabel.isEmpty ? 0 : style.gap + style.charHeight) + style.gap
        let plotHeight = max(10, height - top - bottom)
        let yAxis = Axis.linear(yMin, yMax, target: max(2, plotHeight / (style.charHeight * 4)))
        let yLabelsWidth = yAxis.labels.map { Canvas.textWidth($0, scale: style.scale) }.max() ?? 0
        let left = style.gap + (yLabel.isEmpty ? 0 : style.charHeight + style.gap) + yLabelsWidth + style.tickLength + style.gap
        let right = (names.isEmpty ? 0 : legendSize.w + style.gap) + 2 * style.gap
        let plotWidth = max(10, width - left - right)
        let xAxis = Axis.horizontal(xMin, xMax, pixels: plotWidth, style: style)
        let area = (x: left, y: top, w: plotWidth, h: plotHeight)

        canvas.drawAxes(area: area, xAxis: xAxis, yAxis: yAxis, title: title, xLabel: xLabel, yLabel: yLabel, style: style)
        canvas.setClip(x: area.x + 1, y: area.y + 1, w: area.w - 2, h: area.h - 2)
        for i in xs.indices {
            let px = Double(area.x) + xAxis.fraction(xs[i]) * Double(area.w - 1) + 0.5
            let py = Double(area.y + area.h - 1) - yAxis.fraction(ys[i]) * Double(area.h - 1) + 0.5
            let color = (0 ..< 10).contains(labels[i]) ? RGB.palette[labels[i]] : RGB(128, 128, 128)
            canvas.disc(px, py, radius: pointRadius, color, alpha: opacity)
        }
        canvas.resetClip()
        if !names.isEmpty {
            canvas.drawLegend(zip(names, present.map { RGB.palette[$0] }).map { ($0, $1) },
                              x: area.x + area.w + style.gap, y: area.y, style: style, dots: true)
        }
        return canvas.image
    }

    public func pngData() -> [UInt8] { render().pngData() }

    /// Renders and writes a PNG, atomically.
    public func write(to path: String) throws { try render().writePNG(to: path) }
}
