import Foundation
import XCTest
import ZooHDF5

/// A test case that gets a fresh temporary directory, removed after each test.
class TemporaryDirectoryTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("zoo-hdf5-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// A path inside the temporary directory.
    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}

/// Runs `body` and returns the HDF5Error it throws; fails the test if it throws none or another error.
func expectHDF5Error<R>(_ body: () throws -> R, file: StaticString = #filePath, line: UInt = #line) -> HDF5Error? {
    do {
        _ = try body()
        XCTFail("expected an HDF5Error, but nothing was thrown", file: file, line: line)
    } catch let error as HDF5Error {
        return error
    } catch {
        XCTFail("expected an HDF5Error, got \(error)", file: file, line: line)
    }
    return nil
}
