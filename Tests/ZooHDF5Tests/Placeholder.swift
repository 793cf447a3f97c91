import XCTest

final class ZooHDF5TestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
