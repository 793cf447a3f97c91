import Foundation

/// Decodes a flat JSON object (hyper-parameters, training settings) with messages that name
/// the key at fault and what it may hold. Foundation's decoder reports a number out of range
/// or of the wrong kind (1e400, 99999999999999999999, 32.5 for an integer, 1e39 for a
/// Float, -1 for a UInt64) only as "The given data was not valid JSON", with no key.
///
/// When decoding fails without naming a key, each key's value is tried alone in `template`
/// (a valid value of `T`) to find the one at fault, and the decoder itself is asked what that
/// key takes (an integer or not; which bounds it accepts), so no list of types is kept here.
enum JSONObjectDecoding {
    /// `written` is how the user wrote some keys' values (`--set latent=1e30`), to show them
    /// so rather than as JSON re-encodes them.
    static func decode<T: Codable>(_ type: T.Type, from json: String, template: T, written: [String: String] = [:]) throws -> T {
        let object: [String: Any]
        var text = json
        // The literal Foundation could not hold at all (1e400), shown as written.
        var unrepresentable: String?
        do {
            object = try jsonObject(text)
        } catch let error as ZooError {
            throw error
        } catch {
            guard let literal = unrepresentableNumber(in: error), let range = numberRange(of: literal, in: json) else {
                throw ZooError("not valid JSON (\(JSONText.describe(error)))")
            }
            // Stand-in of the same sign, out of range for every type zoo decodes into, so the
            // probe below finds its key.
            text.replaceSubrange(range, with: literal.hasPrefix("-") ? "-1e300" : "1e300")
            unrepresentable = literal
            object = try jsonObject(text)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch DecodingError.keyNotFound(let key, _) {
            throw ZooError("missing '\(key.stringValue)'")
        } catch {
            guard let fault = faultyKey(object, template: template) else { throw ZooError(JSONText.describe(error)) }
            throw ZooError(describe(fault.key, fault.value, shownAs: written[fault.key] ?? unrepresentable, template: template))
        }
    }

    /// The JSON text as an object, or an error saying what it is instead.
    private static func jsonObject(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        if let object = value as? [String: Any] { return object }
        let found: String
        switch value {
        case is NSNull: found = "null"
        case is [Any]: found = "a list"
        case is String: found = "a string"
        default: found = "a number"
        }
        throw ZooError("expected a JSON object ({\"key\": value, ...}), got \(found)")
    }

    /// "1e400" from Foundation's "Number 1e400 is not representable in Swift."
    private static func unrepresentableNumber(in error: Error) -> String? {
        let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        guard description.hasPrefix("Number "), let end = description.range(of: " is not representable") else { return nil }
        return String(description[description.index(description.startIndex, offsetBy: 7)..<end.lowerBound])
    }

    /// Where `literal` stands as a whole number in `json`.
    private static func numberRange(of literal: String, in json: String) -> Range<String.Index>? {
        var searchStart = json.startIndex
        let numberCharacters = Set("0123456789+-.eE")
        while let range = json.range(of: literal, range: searchStart..<json.endIndex) {
            let before = range.lowerBound == json.startIndex ? nil : json[json.index(before: range.lowerBound)]
            let after = range.upperBound == json.endIndex ? nil : json[range.upperBound]
            if !(before.map(numberCharacters.contains) ?? false), !(after.map(numberCharacters.contains) ?? false) { return range }
            searchStart = range.upperBound
        }
        return nil
    }

    /// The first key (in name order) whose value alone makes `template` fail to decode, with
    /// that value, or the one element of a list value that does.
    private static func faultyKey<T: Codable>(_ object: [String: Any], template: T) -> (key: String, value: Any)? {
        for key in object.keys.sorted() {
            let value = object[key]!
            guard !decodes(template, key, value) else { continue }
            if templateValue(template, key) is [Any], let list = value as? [Any],
               let element = list.first(where: { !decodes(template, key, [$0]) }) {
                return (key, element)
            }
            return (key, value)
        }
        return nil
    }

    /// The template's value of `key`, as JSONSerialization reads it.
    private static func templateValue<T: Codable>(_ template: T, _ key: String) -> Any? {
        (try? jsonObject(JSONText.encode(template)))?[key]
    }

    /// Whether `template` with `key` set to `value` decodes.
    private static func decodes<T: Codable>(_ template: T, _ key: String, _ value: Any) -> Bool {
        guard var object = try? jsonObject(JSONText.encode(template)) else { return false }
        // A scalar where the template has a list is tried as a list of one, so that a list
        // key's element type is what gets probed.
        object[key] = object[key] is [Any] && !(value is [Any]) ? [value] : value
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return false }
        return (try? JSONDecoder().decode(T.self, from: data)) != nil
    }

    /// "'latent' is 32.5; expected an integer from -9223372036854775808 to 9223372036854775807".
    private static func describe<T: Codable>(_ key: String, _ value: Any, shownAs literal: String?, template: T) -> String {
        let shown = literal ?? jsonText(value)
        let expected = templateValue(template, key)
        let isList = expected is [Any]
        let what = isList ? "a list of" : "a"
        // Only numbers are probed for their range; anything else is named by its kind.
        if let example = isList ? (expected as? [Any])?.first : expected, !(example is NSNumber) {
            return "'\(key)' is \(shown); expected \(isList ? "a list like" : "a value like") \(jsonText(expected as Any))"
        }
        let accepts = { (number: String) in decodes(template, key, (try? JSONSerialization.jsonObject(with: Data(number.utf8), options: [.fragmentsAllowed])) as Any) }
        if !accepts("0.5") {
            // An integer: which bounds does the decoder take?
            let lower = accepts("-1") ? (accepts("-9223372036854775808") ? "-9223372036854775808" : "-2147483648") : "0"
            let upper = accepts("18446744073709551615") ? "18446744073709551615"
                : accepts("9223372036854775807") ? "9223372036854775807" : "2147483647"
            return "'\(key)' is \(shown); expected \(what) whole number\(isList ? "s" : "") from \(lower) to \(upper)"
        }
        let limit = accepts("1e39") ? "1.8e308" : "3.4e38"
        return "'\(key)' is \(shown); expected \(what) number\(isList ? "s" : "") from -\(limit) to \(limit)"
    }

    private static func jsonText(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
