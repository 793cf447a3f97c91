// The one error type of ZooMetrics. Like ZooFiles' DataError, every message is a single line
// that a command-line tool can print as is; unlike it, nothing here is about files, so the
// metrics keep their own small type instead of widening DataError's kinds.

/// Why a metric could not be computed from the features or probabilities it was given.
public struct MetricError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for code that wants to react (tests); people read `message`.
    public enum Kind: String, Sendable {
        case invalidShape        // values do not fill rows x columns, or a dimension is zero
        case mismatchedColumns   // the two feature sets have different feature dimensions
        case tooFewRows          // fewer rows than the metric needs (2 for a covariance, k + 1 for k-NN)
        case nonFinite           // a NaN or an infinity among the inputs
        case invalidArgument     // a parameter out of range (subsets, splits, k) or probabilities that are not
        case notPositiveSemidefinite  // a covariance given directly has a clearly negative eigenvalue
        case lapackFailure       // LAPACK returned info != 0
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { message }
}

#if canImport(Foundation)
import Foundation
// So that `error.localizedDescription` shows the message.
extension MetricError: LocalizedError {
    public var errorDescription: String? { message }
}
#endif
