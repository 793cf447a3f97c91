import Foundation
import Zoo
import ZooMPI

/// Printing helpers shared by the verbs.
enum Output {
    static func json(_ value: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        // Swift's own print: JSON escapes control characters itself, and its lines are meant.
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    /// "bce 78.31, kl 25.40, loss 103.71": named numbers, the total first.
    static func numbers(_ values: [String: Double]) -> String {
        let order = values.keys.sorted { a, b in
            let (ra, rb) = (rank(a), rank(b))
            return ra != rb ? ra < rb : a < b
        }
        return order.map { "\($0) \(format(values[$0]!))" }.joined(separator: "  ")
    }

    private static func rank(_ name: String) -> Int { ["loss": 0, "mse": 0, "d_loss": 0, "g_loss": 1][name] ?? 2 }

    static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 100 { return String(format: "%.2f", x) }
        if magnitude >= 1 { return String(format: "%.3f", x) }
        if magnitude >= 0.001 { return String(format: "%.4f", x) }
        return String(format: "%.3e", x)
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Writes images [n, channels, height, width] as a PNG grid like torchvision's `save_image`
    /// (gray or RGB, as the images are).
    /// `rowNames`: a name left of each grid row (a conditional model's classes).
    static func writeGrid(_ images: Tensor, shape: ImageShape, range: PixelRange, nrow: Int = 8, rowNames: [String]? = nil, to path: String) throws {
        var grid = ImageGrid.make(images: images.scalars, count: images.shape[0], channels: shape.channels,
                                  rows: shape.height, cols: shape.width, range: range.bounds, nrow: nrow)
        if let rowNames { grid = LabelledGrid.render(grid, rowNames: rowNames, cellHeight: shape.height) }
        try grid.writePNG(to: path)
        print("wrote \(path) (\(plural(images.shape[0], "image")), \(grid.width)x\(grid.height) pixels)")
    }

    /// Whether the output is a terminal, where progress is redrawn in place. Under mpirun it is
    /// always a pseudo-terminal of mpirun's, wherever mpirun's own output goes (a cluster job's
    /// log, usually): there progress comes as lines.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 && !MPILaunch.isLaunched }

    /// A file name or message as it may be printed: control characters (a newline or an
    /// escape sequence in a file name) shown as escapes, never sent to the terminal. Every
    /// `print` in this module goes through it (see Print.swift); warnings and errors too.
    static func printable(_ text: String) -> String { TerminalText.escaped(text) }

    /// A path as a shell word, for a command a message suggests: as it is when it is plain,
    /// else in single quotes, or, when it holds control characters, in bash's $'...' with
    /// escapes, so that pasting the command names the real file.
    static func shellQuoted(_ path: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@%")
        if !path.isEmpty, path.allSatisfy(plain.contains) { return path }
        if !path.unicodeScalars.contains(where: TerminalText.isControl) {
            return "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }
        var quoted = "$'"
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\\": quoted += #"\\"#
            case "'": quoted += #"\'"#
            case "\n": quoted += #"\n"#
            case "\t": quoted += #"\t"#
            case "\r": quoted += #"\r"#
            default:
                if TerminalText.isControl(scalar) {
                    quoted += scalar.value < 0x80 ? String(format: #"\x%02x"#, scalar.value) : String(format: #"\u%04x"#, scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "'"
    }

    /// One line on standard error (a warning or a note), escaped like everything printed.
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((printable(line) + "\n").utf8))
    }

    /// Writes images [n, channels, height, width] in `range` as a NumPy file of float32 in
    /// [0, 1] (the range every model's images are compared in), and says so.
    static func writeNumPy(_ images: Tensor, range: PixelRange, to path: String) throws {
        let unit = range == .unit ? images.scalars : images.scalars.map { $0 * 0.5 + 0.5 }
        try NumPyArray(shape: images.shape, values: unit.map { min(max($0, 0), 1) }).write(to: path)
        print("wrote \(printable(path)): \(plural(images.shape[0], "image")) \(images.shape) float32 in [0, 1]")
    }
}
