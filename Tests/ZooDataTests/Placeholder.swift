import XCTest

final class ZooDataTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
