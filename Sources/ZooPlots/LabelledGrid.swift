import ZooImages

/// A sample grid with a name left of each of its rows: a conditional model's draws, one row per
/// class, with the class names beside them. White text on the grid's black padding colour.
public enum LabelledGrid {
    /// `grid` (as `ImageGrid.make` lays out rows of `cellHeight`-pixel images with `padding`)
    /// with a margin holding `rowNames[i]` at the middle of row i.
    public static func render(_ grid: PixelImage, rowNames: [String], cellHeight: Int, padding: Int = 2) -> PixelImage {
        let scale = cellHeight >= 40 ? 2 : 1
        let margin = (rowNames.map { Canvas.textWidth($0, scale: scale) }.max() ?? 0) + 4 * scale + padding
        var canvas = Canvas(width: grid.width + margin, height: grid.height, background: RGB(0, 0, 0))
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let source = (y * grid.width + x) * grid.channels, target = (y * canvas.width + margin + x) * 3
                for c in 0..<3 { canvas.pixels[target + c] = grid.pixels[source + (grid.channels == 3 ? c : 0)] }
            }
        }
        for (row, name) in rowNames.enumerated() {
            let middle = padding + row * (cellHeight + padding) + cellHeight / 2
            canvas.text(name, x: margin - padding - 2 * scale, y: middle - Canvas.textHeight(scale: scale) / 2, scale: scale,
                        color: RGB(255, 255, 255), align: .right)
        }
        return canvas.image
    }
}
