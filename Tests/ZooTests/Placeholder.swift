import XCTest

final class ZooTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
