// Helpers shared by the plot tests (each test target keeps its own small copy).

import Foundation
import XCTest
@testable import ZooData

// MNIST is read once for all tests (about 0.2 s in release). Tests run one after another.
nonisolated(unsafe) private var cachedMNIST: ImageDataset?

/// The embedded MNIST, loaded with an empty environment so that a ZOO_DATA set on the
/// machine running the tests cannot interfere.
func sharedMNIST() throws -> ImageDataset {
    if let d = cachedMNIST { return d }
    let d = try ImageDataset.load(.mnist, dataDirectory: nil, environment: [:])
    cachedMNIST = d
    return d
}
