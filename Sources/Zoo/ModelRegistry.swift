import Foundation

/// The model plugins `zoo` knows, by name. The built-in ones are registered by the `zoo`
/// executable; another package registers its own the same way and gets every verb for it.
public enum ModelRegistry {
    // A lock rather than Synchronization.Mutex: Swift 6.3's compiler crashes on a Mutex holding
    // existential metatypes.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [String: any TrainableModel.Type] = [:]

    public static func register(_ models: [any TrainableModel.Type]) {
        lock.withLock {
            for model in models { registered[model.name.lowercased()] = model }
        }
    }

    /// All registered plugins, sorted by name.
    public static var all: [any TrainableModel.Type] {
        lock.withLock { registered.values.sorted { $0.name < $1.name } }
    }

    public static func model(named name: String) throws -> any TrainableModel.Type {
        if let model = lock.withLock({ registered[name.lowercased()] }) { return model }
        let known = all.map { $0.name }.joined(separator: ", ")
        throw ZooError("unknown model '\(name)'; registered models: \(known.isEmpty ? "none" : known)")
    }
}

/// Type-erased construction, so code holding only `any TrainableModel.Type` can build models.
extension TrainableModel {
    public static var defaultHyperparametersJSON: String { JSONText.encode(defaultHyperparameters) }
    public var hyperparametersJSON: String { JSONText.encode(hyperparameters) }

    /// A new model from hyper-parameters as JSON (a checkpoint's, or defaults with overrides).
    /// A key `json` lacks takes its default: a hyper-parameter added after a checkpoint was
    /// written (the VAE's beta) has, by rule, a default that rebuilds the model as it was.
    public static func make(hyperparametersJSON stored: String, imageShape: ImageShape, classCount: Int,
                            generator: inout RandomGenerator) throws -> Self {
        let json = JSONText.filling(stored, from: defaultHyperparametersJSON)
        let hyperparameters: Hyperparameters
        do {
            hyperparameters = try JSONObjectDecoding.decode(Hyperparameters.self, from: json, template: defaultHyperparameters)
        } catch {
            throw ZooError("hyper-parameters of \(name) are not valid: \(JSONText.describe(error))")
        }
        // The decoder drops keys it does not know (from a newer zoo, or a typo in an edited
        // file); building the model without them would quietly build another one.
        let known = JSONText.keys(of: JSONText.encode(hyperparameters))
        if let unknown = JSONText.keys(of: json).subtracting(known).sorted().first {
            throw ZooError("hyper-parameters of \(name) are not valid: unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        do {
            let model = try Self(hyperparameters, imageShape: imageShape, classCount: classCount, generator: &generator)
            model.setTraining(false)  // evaluating, except inside TrainingRun.trainEpoch
            return model
        } catch let error as ZooError {
            throw error
        } catch {
            throw ZooError("\(name): \(error)")  // a layer refusing its size, say
        }
    }

    /// The default hyper-parameters with `overrides` ("latent" → "2", "hidden" → "512,256") applied.
    public static func hyperparametersJSON(overriding overrides: [String: String]) throws -> String {
        let what = "hyper-parameter of \(name)"
        let json = try JSONText.patch(defaultHyperparametersJSON, with: overrides, what: what)
        do {
            _ = try JSONObjectDecoding.decode(Hyperparameters.self, from: json, template: defaultHyperparameters, written: overrides)
        } catch {
            // "hyper-parameter of vae 'latent' is 32.5; expected a whole number from ..."
            throw ZooError("\(what) \(error)")
        }
        return json
    }
}

/// JSON helpers for hyper-parameters: stable encoding and patching from command-line strings.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Replaces existing keys of a JSON object with values parsed from strings: JSON literals
    /// ("2", "0.5", "[1,2]") or comma-separated numbers ("512,256"). A single number for a
    /// key whose default is a list is a list of one ("--hidden 300").
    static func patch(_ json: String, with overrides: [String: String], what: String) throws -> String {
        guard var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw ZooError("\(what): not a JSON object")
        }
        for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let template = object[key] else {
                throw ZooError("unknown \(what) '\(key)'; known: \(object.keys.sorted().joined(separator: ", "))")
            }
            let value = try parse(text, key: key, what: what)
            object[key] = template is [Any] && !(value is [Any]) ? [value] : value
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// `json` with every key of the object `defaults` that it lacks added with the default's
    /// value; anything but two JSON objects comes back unchanged (and fails where it is decoded).
    public static func filling(_ json: String, from defaults: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let fallback = (try? JSONSerialization.jsonObject(with: Data(defaults.utf8))) as? [String: Any] else { return json }
        let missing = fallback.filter { object[$0.key] == nil }
        guard !missing.isEmpty else { return json }
        object.merge(missing) { stored, _ in stored }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    /// The keys of a JSON object (none for anything else).
    static func keys(of json: String) -> Set<String> {
        Set(((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any])?.keys ?? [:].keys)
    }

    /// The JSON text of `key`'s value in a JSON object, e.g. "[400]".
    static func value(of key: String, in json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], let value = object[key],
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func parse(_ text: String, key: String, what: String) throws -> Any {
        let value: Any
        if let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
            value = json
        } else {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = parts.compactMap { Double($0) }
            guard numbers.count == parts.count else {
                throw ZooError("\(what) '\(key)': cannot read '\(text)' (expected a number or a comma-separated list)")
            }
            let typed = numbers.map { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) as Any : $0 as Any }
            value = typed.count == 1 ? typed[0] : typed
        }
        // Double("nan") and Double("inf") parse, but no JSON can hold them.
        let scalars = (value as? [Any]) ?? [value]
        if scalars.contains(where: { ($0 as? Double).map { !$0.isFinite } ?? false }) {
            throw ZooError("\(what) '\(key)': '\(text)' is not a finite number")
        }
        return value
    }

    public static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' should be \(type)"
        case DecodingError.keyNotFound(let key, _):
            return "missing '\(key.stringValue)'"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return String(describing: error)
        }
    }
}
