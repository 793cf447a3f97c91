/// How a model is trained: the settings every model shares and `zoo train` exposes as flags.
public struct TrainingSettings: Codable, Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var seed: UInt64
    public var dataset: String
    /// Train on the first `limit` training images only (quick trials, tests); nil for all.
    public var limit: Int?
    /// A folder of the user's own images (`--data DIR`), absolute; nil for a named dataset.
    /// `dataset` is then the folder's name, for messages.
    public var imageFolder: String?
    /// The share of a folder's images held out as its test set (seeded); nil for a named dataset.
    public var testFraction: Double?
    /// The folder's fingerprint (`ImageFolder.fingerprint`) when training started: a later
    /// verb warns when the folder has changed since, because its test split is then drawn anew.
    public var imageFolderFingerprint: String?
    /// The number of processes (`mpirun -np N`) that wrote the checkpoint, when more than one;
    /// nil for one. Steps and counters are global, so any number of processes can resume it.
    public var worldSize: Int?
    /// The precision of the matrix products and convolutions (`--precision`); nil for fp32, so a
    /// checkpoint trained in fp32 reads as it always did. `zoo resume --precision` may change it.
    public var precision: Precision?

    public init(epochs: Int = 20, batchSize: Int = 128, learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, seed: UInt64 = 0, dataset: String = "mnist", limit: Int? = nil) {
        self.limit = limit
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.seed = seed
        self.dataset = dataset
    }

    /// An Adam optimizer over `parameters` with these settings.
    public func adam(_ parameters: [(name: String, parameter: Variable)]) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, betas: (beta1, beta2))
    }

    /// The largest batch: far above any data set's size, and small enough that no index
    /// arithmetic on it can overflow.
    public static let maximumBatchSize = 1 << 24

    /// Checks the values a user can get wrong, naming each as its flag (`--batch-size`) or, for
    /// settings read from a checkpoint, as its JSON key (`batchSize`).
    public func validate(namedAsFlags: Bool = true) throws {
        func name(_ flag: String, _ key: String) -> String { namedAsFlags ? flag : key }
        if epochs < 1 { throw ZooError("\(name("--epochs", "epochs")) must be at least 1, got \(epochs)") }
        if !(1...Self.maximumBatchSize).contains(batchSize) {
            throw ZooError("\(name("--batch-size", "batchSize")) must be between 1 and \(Self.maximumBatchSize), got \(batchSize)")
        }
        if !(learningRate > 0) || !learningRate.isFinite { throw ZooError("\(name("--lr", "learningRate")) must be a positive number, got \(learningRate)") }
        if let limit, limit < 1 { throw ZooError("\(name("--limit", "limit")) must be at least 1, got \(limit)") }
        if !(0..<1).contains(beta1) || !(0..<1).contains(beta2) { throw ZooError("Adam betas must be in [0, 1), got \(beta1), \(beta2)") }
        if let worldSize, worldSize < 2 { throw ZooError("worldSize must be at least 2 where present, got \(worldSize)") }
        if let testFraction, !(0...0.9).contains(testFraction) {
            throw ZooError("\(name("--test-fraction", "testFraction")) must be between 0 and 0.9, got \(testFraction)")
        }
    }
}

/// A one-line, user-facing error: what went wrong with which thing, and what was expected.
public struct ZooError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
