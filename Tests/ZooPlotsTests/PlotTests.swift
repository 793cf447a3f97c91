import Foundation
import XCTest
@testable import ZooPlots
import ZooData
import ZooImages

final class PlotTests: XCTestCase {
    func testFontCoversPrintableASCII() {
        let font = BitmapFont.shared
        for code in 33 ... 126 {
            let ch = Character(UnicodeScalar(UInt8(code)))
            XCTAssertNotNil(font.glyphs[ch], "no glyph for \(ch)")
            XCTAssertTrue(font.glyphs[ch]!.rows.contains { $0 != 0 }, "empty glyph for \(ch)")
        }
        XCTAssertEqual(font.glyphs.count, 94)
        // Digits keep the full width so that numbers line up; a dot is one pixel wide.
        XCTAssertEqual(font.width("0123456789"), 10 * 6 - 1)
        XCTAssertEqual(font.glyphs["."]?.width, 1)
        XCTAssertEqual(font.width("1.5"), 5 + 1 + 1 + 1 + 5)
        // Characters outside the font draw as "?".
        XCTAssertEqual(font.width("é"), font.width("?"))
    }

    func testTextPixels() {
        var canvas = Canvas(width: 8, height: 10)
        canvas.text("7", x: 1, y: 1)
        let image = canvas.image
        func dark(_ x: Int, _ y: Int) -> Bool { image.pixels[(y * 8 + x) * 3] == 0 }
        // Top row of a 7 is a full bar, then the stroke goes down to the left.
        XCTAssertEqual((1 ... 5).map { dark($0, 1) }, [true, true, true, true, true])
        XCTAssertEqual((1 ... 5).map { dark($0, 2) }, [false, false, false, false, true])
        XCTAssertTrue(dark(2, 7))
        XCTAssertFalse(dark(0, 0))
    }

    func testTickLabels() {
        let a = Axis.linear(0, 1, target: 5)
        XCTAssertEqual(a.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(Axis.linear(0, 100, target: 5).labels, ["0", "20", "40", "60", "80", "100"])
        XCTAssertEqual(Axis.linear(-1, 1, target: 4).labels, ["-1.0", "-0.5", "0", "0.5", "1.0"])
        XCTAssertEqual(Axis.linear(0, 3e-5, target: 3).labels, ["0", "1e-5", "2e-5", "3e-5"])
        XCTAssertEqual(Axis.linear(0, 2e6, target: 4).labels, ["0", "0.5e6", "1.0e6", "1.5e6", "2.0e6"])
        // Epochs are whole numbers: one epoch gets 0, 1, 2 rather than 0.90, 0.92, ...; a
        // few epochs never get ticks between them.
        XCTAssertEqual(Axis.linear(1, 1, target: 10, integral: true).labels, ["0", "1", "2"])
        XCTAssertEqual(Axis.linear(1, 3, target: 10, integral: true).labels, ["1", "2", "3"])
        // A constant series still gets an axis around it.
        XCTAssertFalse(Axis.linear(3, 3, target: 4).ticks.isEmpty)
        XCTAssertEqual(Axis.logarithmic(0.01, 100).labels, ["0.01", "0.1", "1", "10", "100"])
        XCTAssertEqual(Axis.logarithmic(1e-7, 1e-3).labels, ["1e-7", "1e-6", "1e-5", "1e-4", "0.001"])
        XCTAssertEqual(Axis.logarithmic(0.2, 1).labels.first, "0.2")
        XCTAssertEqual(Axis.niceStep(0.13), 0.1)
        XCTAssertEqual(Axis.niceStep(0.25), 0.2)
        XCTAssertEqual(Axis.niceStep(0.4), 0.5)
        XCTAssertEqual(Axis.niceStep(7), 10)
    }

    func lossCurves() -> LinePlot {
        var plot = LinePlot(title: "VAE on MNIST: loss per epoch", xLabel: "epoch", yLabel: "loss (nats per image)")
        let epochs = (1 ... 40).map(Double.init)
        plot.add("train", xs: epochs, ys: epochs.map { 95 + 120 * exp(-$0 / 4) })
        plot.add("test", xs: epochs, ys: epochs.map { 99 + 110 * exp(-$0 / 4.5) + 0.05 * $0 })
        return plot
    }

    func testLinePlotRenders() throws {
        let plot = lossCurves()
        let image = plot.render()
        XCTAssertEqual([image.width, image.height, image.channels], [800, 500, 3])
        let colors = Set(stride(from: 0, to: image.pixels.count, by: 3).map {
            RGB(image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2])
        })
        XCTAssertTrue(colors.contains(.white))
        XCTAssertTrue(colors.contains(RGB.palette[0]), "train line in blue")
        XCTAssertTrue(colors.contains(RGB.palette[1]), "test line in orange")
        XCTAssertEqual(try PNG.decode(plot.pngData()), image)

        // Edge cases render without trapping: nothing, one point, NaNs, log axis with zeros.
        var odd = LinePlot(logY: true)
        odd.add("one", ys: [1])
        odd.add("nan", ys: [.nan, 2, .infinity, 0, -1, 3])
        _ = odd.render()
        _ = LinePlot(title: "empty").render()
        _ = LinePlot(width: 120, height: 80, series: [.init(name: "", xs: [0, 1], ys: [5, 5])]).render()
        // Extreme values and canvases too small for the layout.
        _ = LinePlot(series: [.init(name: "wild", xs: [0, 1e-300, 2, 3], ys: [1e308, -1e308, 5, .greatestFiniteMagnitude])]).render()
        _ = LinePlot(logY: true, series: [.init(name: "tiny", xs: [0, 1], ys: [Double.leastNormalMagnitude / 1e8, 1e300])]).render()
        _ = LinePlot(title: "x", width: 12, height: 9, series: [.init(name: "a", xs: [0, 1], ys: [0, 1])]).render()
    }

    /// A cheap 2-D view of MNIST (ink left/right and top/bottom): the classes form rough clusters.
    func mnistScatter(count: Int) throws -> ScatterPlot {
        let mnist = try sharedMNIST()
        var xs: [Double] = [], ys: [Double] = [], labels: [Int] = []
        for i in 0 ..< count {
            let img = mnist.image(i, split: .test)
            var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
            for (k, v) in img.enumerated() {
                let r = k / 28, c = k % 28, x = Double(v) / 255
                if c < 14 { left += x } else { right += x }
                if r < 14 { top += x } else { bottom += x }
            }
            xs.append((right - left) / (left + right))
            ys.append((top - bottom) / (top + bottom))
            labels.append(Int(mnist.testLabels[i]))
        }
        return ScatterPlot(xs: xs, ys: ys, labels: labels, title: "MNIST test digits: where the ink is",
                           xLabel: "right minus left", yLabel: "top minus bottom")
    }

    func testScatterPlotRenders() throws {
        let plot = try mnistScatter(count: 500)
        let image = plot.render()
        XCTAssertEqual([image.width, image.height], [700, 600])
        // Every class color shows at full strength in the legend.
        let colors = Set(stride(from: 0, to: image.pixels.count, by: 3).map {
            RGB(image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2])
        })
        for c in RGB.palette { XCTAssertTrue(colors.contains(c), "\(c)") }
        _ = ScatterPlot(xs: [], ys: [], labels: []).render()
        _ = ScatterPlot(xs: [1e300, -1e300, 0], ys: [0, 1, -.greatestFiniteMagnitude], labels: [0, 1, 2]).render()
        _ = ScatterPlot(xs: [0, 1], ys: [0, 1], labels: [0, 1], title: "t", width: 8, height: 8).render()
        _ = ScatterPlot(xs: [1, .nan], ys: [1, 2], labels: [3, 12], classNames: ["a"]).render()
    }

    /// With ZOO_TEST_PICTURES=DIR, writes the pictures these tests draw, to look at.
    func testWritePicturesForPeople() throws {
        guard let dir = ProcessInfo.processInfo.environment["ZOO_TEST_PICTURES"] else {
            throw XCTSkip("set ZOO_TEST_PICTURES=DIR to write sample pictures")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try lossCurves().write(to: "\(dir)/loss.png")
        var log = lossCurves()
        log.title = "GAN losses (log scale)"
        log.logY = true
        log.series = []
        let steps = (0 ..< 2000).map { Double($0 * 10) }
        log.add("discriminator", xs: steps, ys: steps.map { 1.4 * exp(-$0 / 6000) + 0.02 + 0.05 * sin($0 / 97) * exp(-$0 / 9000) })
        log.add("generator", xs: steps, ys: steps.map { 0.7 + 3 * (1 - exp(-$0 / 3000)) + 0.3 * sin($0 / 131) })
        log.xLabel = "step"
        log.yLabel = "loss"
        try log.write(to: "\(dir)/loss-log.png")
        var small = lossCurves()
        (small.width, small.height, small.title) = (400, 240, "400x240: text at scale 1")
        small.series = [small.series[0]]
        small.series[0].xs = Array(small.series[0].xs.prefix(12))
        small.series[0].ys = Array(small.series[0].ys.prefix(12))
        try small.write(to: "\(dir)/loss-small.png")
        try mnistScatter(count: 3000).write(to: "\(dir)/scatter.png")
        var fashion = try mnistScatter(count: 300)
        fashion.classNames = DatasetName.fashionMNIST.classNames
        fashion.title = "class names in the legend"
        try fashion.write(to: "\(dir)/scatter-names.png")
        let mnist = try sharedMNIST()
        try ImageGrid.make(images: mnist.batch(.train, indices: 0 ..< 64), count: 64, rows: 28, cols: 28)
            .writePNG(to: "\(dir)/grid.png")
        try DatasetInfo.report().write(toFile: "\(dir)/zoo-data-report.txt", atomically: true, encoding: .utf8)
        var canvas = Canvas(width: 640, height: 130)
        canvas.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789", x: 5, y: 5, scale: 2)
        canvas.text("abcdefghijklmnopqrstuvwxyz .,:;-+=_()[]{}", x: 5, y: 35, scale: 2)
        canvas.text("/\\|%!?'\"`#*<>&@^~$  1.5e-3  -0.25  T-shirt/top", x: 5, y: 65, scale: 2)
        canvas.text("scale 1: The quick brown fox jumps over the lazy dog 3.14159", x: 5, y: 100, scale: 1)
        try canvas.image.writePNG(to: "\(dir)/font.png")
    }
}
