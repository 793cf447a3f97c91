/// The `zoo` verbs that act on a model, and which models offer each: every model trains,
/// resumes, evaluates and is inspected; drawing and coding images needs a `GenerativeModel`.
/// `zoo list` shows each model's verbs from here, and a verb a model lacks is a one-line error
/// from `TrainingRun.model(as:for:)`, so the command line names no model and no kind of model.
public enum Verb: String, CaseIterable, Sendable {
    case train, resume, sample, decode, encode, reconstruct, eval, inspect

    /// Whether models of `modelType` offer this verb.
    public func isOffered(by modelType: any TrainableModel.Type) -> Bool {
        switch self {
        case .train, .resume, .eval, .inspect: true
        case .sample, .decode, .encode, .reconstruct: modelType is any GenerativeModel.Type
        }
    }

    /// The verbs models of `modelType` offer, in the order of `zoo help`.
    public static func offered(by modelType: any TrainableModel.Type) -> [Verb] {
        allCases.filter { $0.isOffered(by: modelType) }
    }
}

extension TrainingRun {
    /// The run's model as the capability `verb` needs (`any GenerativeModel.self`), or a
    /// one-line error saying which verbs this model has instead.
    public func model<Capability>(as capability: Capability.Type, for verb: Verb) throws -> Capability {
        guard verb.isOffered(by: modelType), let model = model as? Capability else {
            let verbs = Verb.offered(by: modelType).map(\.rawValue).joined(separator: ", ")
            throw ZooError("a \(modelType.name) model cannot \(verb.rawValue); its verbs are \(verbs)")
        }
        return model
    }
}
