// Helpers shared by the file tests (each test target keeps its own small copy).

import Foundation
import XCTest
@testable import ZooFiles

/// A fresh temporary directory, removed when the test ends.
func makeTempDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "zoo-data-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func writeFile(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Asserts that `body` throws a DataError of `kind` whose one-line message contains every part.
func assertDataError<T>(_ kind: DataError.Kind, _ parts: [String], file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error", file: file, line: line)
    } catch let error as DataError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "multi-line message: \(error)", file: file, line: line)
        for part in parts {
            XCTAssertTrue(error.description.contains(part), "'\(error)' lacks '\(part)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a DataError, got \(error)", file: file, line: line)
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func pseudoRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var x = seed
    return (0 ..< count).map { _ in
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return UInt8(truncatingIfNeeded: x >> 24)
    }
}
