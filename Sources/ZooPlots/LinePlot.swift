// Line charts for training curves (loss per step, per epoch; train against test), drawn
// into an RGB raster and saved as PNG, so a run leaves pictures a person can look at without
// any plotting software.

import ZooImages

public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var xs: [Double]
        public var ys: [Double]
        /// nil: the next color of the palette.
        public var color: RGB?

        public init(name: String, xs: [Double], ys: [Double], color: RGB? = nil) {
            precondition(xs.count == ys.count, "LinePlot series '\(name)': \(xs.count) xs but \(ys.count) ys")
            self.name = name
            self.xs = xs
            self.ys = ys
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width: Int
    public var height: Int
    /// A log10 y axis (loss curves often span decades); values <= 0 are then left out.
    public var logY: Bool
    public var series: [Series]
    /// Dots at the data points; nil: only for series of at most 30 points.
    public var markers: Bool?

    public init(title: String = "", xLabel: String = "", yLabel: String = "", width: Int = 800, height: Int = 500,
                logY: Bool = false, series: [Series] = [], markers: Bool? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.logY = logY
        self.series = series
        self.markers = markers
    }

    /// Adds a series; `xs` defaults to 1, 2, 3, ... (epochs, say).
    public mutating func add(_ name: String, xs: [Double]? = nil, ys: [Double], color: RGB? = nil) {
        series.append(Series(name: name, xs: xs ?? (0 ..< ys.count).map { Double($0 + 1) }, ys: ys, color: color))
    }

    public func render() -> PixelImage {
        let style = PlotStyle.automatic(width: width, height: height)
        var canvas = Canvas(width: width, height: height)

        // Data ranges over finite points (and positive ys on a log axis).
        var xMin = Double.infinity, xMax = -Double.infinity, yMin = Double.infinity, yMax = -Double.infinity
        for s in series {
            for (x, y) in zip(s.xs, s.ys) where x.isFinite && y.isFinite && (!logY || y > 0) {
                xMin = min(xMin, x); xMax = max(xMax, x)
                yMin = min(yMin, y); yMax = max(yMax, y)
            }
        }
        let hasData = xMin <= xMax
        if !hasData { (xMin, xMax, yMin, yMax) = (0, 1, logY ? 1 : 0, logY ? 10 : 1) }

        // Layout: the y tick labels' width decides the left margin.
        let top = style.gap + (title.isEmpty ? style.gap : style.charHeight + style.gap * 2)
        let bottom = style.tickLength + style.gap + style.charHeight + (xLabel.isEmpty ? 0 : style.gap + style.charHeight) + style.gap
        let plotHeight = max(10, height - top - bottom)
        let yAxis = logY ? Axis.logarithmic(yMin, yMax) : Axis.linear(yMin, yMax, target: max(2, plotHeight / (style.charHeight * 4)))
        let yLabelsWidth = yAxis.labels.map { Canvas.textWidth($0, scale: style.scale) }.max() ?? 0
        let left = style.gap + (yLabel.isEmpty ? 0 : style.charHeight + style.gap) + yLabelsWidth + style.tickLength + style.gap
        let plotWidthGuess = max(10, width - left - 3 * style.gap)
        let integralX = hasData && series.allSatisfy { $0.xs.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
        let xAxis = Axis.horizontal(xMin, xMax, pixels: plotWidthGuess, style: style, integral: integralX)
        let lastLabel = xAxis.labels.last.map { Canvas.textWidth($0, scale: style.scale) / 2 } ?? 0
        let right = max(3 * style.gap, lastLabel + style.gap)
        let area = (x: left, y: top, w: max(10, width - left - right), h: plotHeight)

        canvas.drawAxes(area: area, xAxis: xAxis, yAxis: yAxis, title: title, xLabel: xLabel, yLabel: yLabel, style: style)

        // The data, clipped to the inside of the frame.
        canvas.setClip(x: area.x + 1, y: area.y + 1, w: area.w - 2, h: area.h - 2)
        let lineWidth = 1.25 * Double(style.scale)
        var legend: [(String, RGB)] = []
        var drawn: [[(Double, Double)]] = []
        for (i, s) in series.enumerated() {
            let color = s.color ?? RGB.palette[i % RGB.palette.count]
            let points = zip(s.xs, s.ys).map { x, y -> (Double, Double) in
                let fx = xAxis.fraction(x), fy = yAxis.fraction(y)
                return (Double(area.x) + fx * Double(area.w - 1) + 0.5, Double(area.y + area.h - 1) - fy * Double(area.h - 1) + 0.5)
            }
            canvas.polyline(points, color, width: lineWidth)
            drawn.append(points)
            if markers ?? (s.xs.count <= 30) {
                for p in points { canvas.disc(p.0, p.1, radius: 1.6 * Double(style.scale), color) }
            }
            if !s.name.isEmpty { legend.append((s.name, color)) }
        }
        canvas.resetClip()
        if !legend.isEmpty {
            let size = Canvas.legendSize(legend.map(\.0), style: style)
            let corner = Self.emptiestCorner(of: area, for: size, margin: style.gap, lines: drawn)
            canvas.drawLegend(legend, x: corner.x, y: corner.y, style: style, dots: false)
        }
        if !hasData {
            canvas.text("no data", x: area.x + area.w / 2, y: area.y + area.h / 2 - style.charHeight / 2,
                        scale: style.scale, color: RGB(150, 150, 150), align: .center)
        }
        return canvas.image
    }

    /// The corner of the plot area (top right, top left, bottom right, bottom left, in that
    /// order of preference) where a legend box would hide the least of the lines.
    static func emptiestCorner(of area: (x: Int, y: Int, w: Int, h: Int), for size: (w: Int, h: Int),
                               margin: Int, lines: [[(Double, Double)]]) -> (x: Int, y: Int) {
        let xs = [area.x + area.w - size.w - margin, area.x + margin]
        let ys = [area.y + margin, area.y + area.h - size.h - margin]
        let corners = [(xs[0], ys[0]), (xs[1], ys[0]), (xs[0], ys[1]), (xs[1], ys[1])]
        var hidden = [Int](repeating: 0, count: 4)
        for line in lines {
            var previous: (Double, Double)?
            for p in line {
                guard Canvas.drawable(p.0), Canvas.drawable(p.1) else { previous = nil; continue }
                let (x0, y0) = previous ?? p
                previous = p
                // Points every ~3 pixels along each segment.
                let steps = min(10_000, max(1, Int((abs(p.0 - x0) + abs(p.1 - y0)) / 3)))
                for k in 0 ... steps {
                    let t = Double(k) / Double(steps)
                    let x = x0 + t * (p.0 - x0), y = y0 + t * (p.1 - y0)
                    for (c, corner) in corners.enumerated()
                        where x >= Double(corner.0) && x < Double(corner.0 + size.w) && y >= Double(corner.1) && y < Double(corner.1 + size.h) {
                        hidden[c] += 1
                    }
                }
            }
        }
        let best = hidden.indices.min { hidden[$0] < hidden[$1] } ?? 0
        return (corners[best].0, corners[best].1)
    }

    public func pngData() -> [UInt8] { render().pngData() }

    /// Renders and writes a PNG, atomically.
    public func write(to path: String) throws { try render().writePNG(to: path) }
}
