/// swift-argument-parser reads "-5" as an option named "5", so `--batch-size -5` failed as
/// "Missing value for '--batch-size'" before the value's own check could say what is wrong
/// with it. A negative number right after an option is therefore attached to it
/// (`--batch-size=-5`, `-n=-1`), and the option's validation names the range it takes; this
/// holds for every option, present and future, with no per-option parsing strategy.
enum NegativeValues {
    static func attached(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for argument in arguments {
            if isNegativeNumber(argument), let previous = result.last, takesAttachedValue(previous),
               !result.contains("--") {
                result[result.count - 1] = previous + "=" + argument
            } else {
                result.append(argument)
            }
        }
        return result
    }

    /// "-5", "-0.5", "-.5", "-1e3", "-3,4": a minus sign, then a number (or a list of them).
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count >= 2 else { return false }
        let body = text.dropFirst()
        guard let first = body.first, first.isASCII, first.isNumber || (first == "." && body.count > 1) else { return false }
        return body.allSatisfy { $0.isASCII && ($0.isNumber || ".,eE+-".contains($0)) }
    }

    /// An option name that a value could follow: `--name` or `-n`, without a value of its own.
    private static func takesAttachedValue(_ text: String) -> Bool {
        text.hasPrefix("-") && text != "--" && !text.contains("=") && !isNegativeNumber(text)
    }
}
