/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 28, 28), }`, read with a small
/// parser for exactly the literals it may hold (strings, True/False, tuples of integers), in
/// any key order and spacing.
struct NumPyHeader {
    let descr: String
    let fortranOrder: Bool
    let shape: [Int]

    struct ParseError: Error { let reason: String }

    private enum Value { case text(String), flag(Bool), tuple([Int]) }

    init(parsing text: String) throws {
        var scanner = Scanner(Array(text.unicodeScalars))
        var entries: [String: Value] = [:]
        try scanner.expect("{")
        while true {
            scanner.skipSpace()
            if scanner.take("}") { break }
            guard case .text(let key) = try scanner.value() else { throw ParseError(reason: "a key that is not a string") }
            try scanner.expect(":")
            guard entries[key] == nil else { throw ParseError(reason: "'\(key)' twice") }
            entries[key] = try scanner.value()
            scanner.skipSpace()
            if scanner.take(",") { continue }
            try scanner.expect("}")
            break
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw ParseError(reason: "text after the dictionary") }
        guard case .text(let descr)? = entries["descr"] else { throw ParseError(reason: "no 'descr' string") }
        guard case .flag(let fortran)? = entries["fortran_order"] else { throw ParseError(reason: "no 'fortran_order' True or False") }
        guard case .tuple(let shape)? = entries["shape"] else { throw ParseError(reason: "no 'shape' tuple") }
        self.descr = descr
        self.fortranOrder = fortran
        self.shape = shape
    }

    private struct Scanner {
        let characters: [Unicode.Scalar]
        var position = 0
        init(_ characters: [Unicode.Scalar]) { self.characters = characters }

        var atEnd: Bool { position >= characters.count }
        mutating func skipSpace() { while !atEnd, characters[position].properties.isWhitespace { position += 1 } }
        mutating func take(_ c: Unicode.Scalar) -> Bool {
            skipSpace()
            guard !atEnd, characters[position] == c else { return false }
            position += 1
            return true
        }
        mutating func expect(_ c: Unicode.Scalar) throws {
            guard take(c) else { throw ParseError(reason: "expected '\(c)'") }
        }
        mutating func word() -> String {
            var out = ""
            while !atEnd, characters[position].properties.isAlphabetic || ("0"..."9").contains(characters[position]) {
                out.unicodeScalars.append(characters[position])
                position += 1
            }
            return out
        }

        mutating func value() throws -> Value {
            skipSpace()
            guard !atEnd else { throw ParseError(reason: "ended early") }
            let first = characters[position]
            if first == "'" || first == "\"" {
                position += 1
                var out = ""
                while !atEnd, characters[position] != first {
                    out.unicodeScalars.append(characters[position])
                    position += 1
                }
                guard !atEnd else { throw ParseError(reason: "an unterminated string") }
                position += 1
                return .text(out)
            }
            if first == "(" {
                position += 1
                var numbers: [Int] = []
                while true {
                    skipSpace()
                    if take(")") { break }
                    let digits = word()
                    // Python 2 wrote long integers with an L suffix.
                    guard let n = Int(digits.hasSuffix("L") ? String(digits.dropLast()) : digits), n >= 0 else {
                        throw ParseError(reason: "a shape entry '\(digits)' that is not a size")
                    }
                    numbers.append(n)
                    if take(",") { continue }
                    try expect(")")
                    break
                }
                return .tuple(numbers)
            }
            switch word() {
            case "True": return .flag(true)
            case "False": return .flag(false)
            case let other: throw ParseError(reason: "an unexpected '\(other.isEmpty ? String(first) : other)'")
            }
        }
    }
}
