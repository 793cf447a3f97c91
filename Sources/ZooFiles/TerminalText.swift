/// Text from files (names, attributes, messages quoting either) as it may be shown on a
/// terminal: a file name can hold a newline, and a checkpoint attribute an escape sequence
/// that clears the screen or retitles the window. Such characters are shown as escapes and
/// never sent; the printed line then names the real file, and stays one line.
public enum TerminalText {
    /// `text` with C0 and C1 control characters and DEL written as escapes: `\n`, `\t`,
    /// `\r`, else `\u{1b}`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    /// Whether `scalar` is a C0 or C1 control character or DEL.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
    }
}
