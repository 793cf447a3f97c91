import XCTest

final class ZooTensorTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
