// A confusion matrix as a picture: one row per true class, one column per predicted class,
// each cell shaded by the share of its row (white to dark blue) and labelled with its count.

import ZooImages

public struct ConfusionMatrixPlot: Sendable {
    /// counts[true class][predicted class].
    public var counts: [[Int]]
    public var classNames: [String]
    public var title: String
    /// The side of one cell in pixels.
    public var cellSize: Int

    public init(counts: [[Int]], classNames: [String], title: String = "", cellSize: Int = 44) {
        precondition(counts.count == classNames.count && counts.allSatisfy { $0.count == classNames.count },
                     "ConfusionMatrixPlot: \(counts.count) rows for \(classNames.count) classes")
        self.counts = counts
        self.classNames = classNames
        self.title = title
        self.cellSize = cellSize
    }

    public func render() -> PixelImage {
        let n = classNames.count, scale = 1, gap = 6
        let charHeight = Canvas.textHeight(scale: scale)
        // Class names longer than a cell are cut, so the columns stay readable.
        let names = classNames.map { name -> String in
            var cut = name
            while Canvas.textWidth(cut, scale: scale) > max(cellSize * 3, 40), cut.count > 1 { cut.removeLast() }
            return cut.count < name.count ? cut + "." : cut
        }
        let rowLabelWidth = names.map { Canvas.textWidth($0, scale: scale) }.max() ?? 0
        let columnLabelHeight = names.map { Canvas.textWidth($0, scale: scale) }.max() ?? 0
        let left = gap * 2 + charHeight + gap + rowLabelWidth + gap
        let top = gap * 2 + (title.isEmpty ? 0 : charHeight + gap * 2) + charHeight + gap + columnLabelHeight + gap
        let side = n * cellSize
        var canvas = Canvas(width: left + side + gap * 3, height: top + side + gap * 3)

        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: gap * 2, scale: scale, align: .center) }
        let axisTop = gap * 2 + (title.isEmpty ? 0 : charHeight + gap * 2)
        canvas.text("predicted", x: left + side / 2, y: axisTop, scale: scale, color: RGB(60, 60, 60), align: .center)
        canvas.text("true", x: gap * 2, y: top + side / 2, scale: scale, color: RGB(60, 60, 60), align: .center, vertical: true)
        for (i, name) in names.enumerated() {
            // Row labels right-aligned before the row; column labels vertical above the column.
            canvas.text(name, x: left - gap, y: top + i * cellSize + (cellSize - charHeight) / 2, scale: scale, align: .right)
            canvas.text(name, x: left + i * cellSize + (cellSize - charHeight) / 2, y: top - gap, scale: scale, vertical: true)
        }
        for (row, counts) in self.counts.enumerated() {
            let total = max(counts.reduce(0, +), 1)
            for (column, count) in counts.enumerated() {
                let share = Double(count) / Double(total)
                let x = left + column * cellSize, y = top + row * cellSize
                canvas.fillRect(x: x, y: y, w: cellSize, h: cellSize, Self.shade(share))
                canvas.strokeRect(x: x, y: y, w: cellSize + 1, h: cellSize + 1, RGB(200, 200, 200))
                guard count > 0 else { continue }
                canvas.text(String(count), x: x + cellSize / 2, y: y + (cellSize - charHeight) / 2, scale: scale,
                            color: share > 0.5 ? .white : RGB(30, 30, 30), align: .center)
            }
        }
        return canvas.image
    }

    /// White for none of the row, dark blue for all of it.
    static func shade(_ share: Double) -> RGB {
        let t = min(max(share, 0), 1).squareRoot()  // small confusions stay visible
        func mix(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * t).rounded()) }
        return RGB(mix(255, 16), mix(255, 64), mix(255, 140))
    }

    public func pngData() -> [UInt8] { render().pngData() }

    /// Renders and writes a PNG, atomically.
    public func write(to path: String) throws { try render().writePNG(to: path) }
}
