import Foundation
import XCTest
@testable import ZooData
import ZooFiles

final class DatasetTests: XCTestCase {
    static let fashionDirectory = "/usr/share/datasets/fashion-mnist"

    func embeddedMNIST() throws -> ImageDataset { try sharedMNIST() }

    func testEmbeddedMNIST() throws {
        let mnist = try embeddedMNIST()
        XCTAssertEqual(mnist.name, .mnist)
        XCTAssertEqual(mnist.rows, 28)
        XCTAssertEqual(mnist.cols, 28)
        XCTAssertEqual(mnist.trainCount, 60000)
        XCTAssertEqual(mnist.testCount, 10000)
        XCTAssertEqual(mnist.trainImages.count, 60000 * 784)
        XCTAssertEqual(mnist.testImages.count, 10000 * 784)
        XCTAssertEqual(mnist.labelCounts(.train), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        XCTAssertEqual(mnist.labelCounts(.test).reduce(0, +), 10000)
        // The first training digit is the well-known 5, the first test digit a 7.
        XCTAssertEqual(mnist.trainLabels[0], 5)
        XCTAssertEqual(mnist.testLabels[0], 7)
        XCTAssertTrue(mnist.sourceDirectory.hasSuffix("mnist"), mnist.sourceDirectory)
    }

    func testMNISTChecksums() throws {
        let info = DatasetInfo.gather(.mnist, dataDirectory: nil, environment: [:])
        XCTAssertNil(info.error)
        XCTAssertEqual(info.origin, .embedded)
        XCTAssertEqual(info.files.map(\.md5), ["6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
                                               "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"])
        XCTAssertEqual(info.files.map(\.matchesKnown), [true, true, true, true])
        XCTAssertEqual(info.files.map(\.compressed), [true, true, true, true])
        XCTAssertEqual(info.files.map(\.dims), [[60000, 28, 28], [60000], [10000, 28, 28], [10000]])
        XCTAssertEqual(info.trainLabelCounts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        let report = info.report
        XCTAssertTrue(report.contains("mnist: found in"), report)
        XCTAssertTrue(report.contains("60000 train + 10000 test images of 28x28"), report)
        XCTAssertTrue(report.contains("5923 6742 5958"), report)
        XCTAssertFalse(report.contains("DIFFERS"), report)
    }

    func testFashionMNISTIfInstalled() throws {
        guard FileManager.default.fileExists(atPath: Self.fashionDirectory) else {
            throw XCTSkip("\(Self.fashionDirectory) absent (apt-get install dataset-fashion-mnist)")
        }
        let info = DatasetInfo.gather(.fashionMNIST, dataDirectory: nil, environment: [:])
        XCTAssertNil(info.error)
        XCTAssertEqual(info.origin, .system)
        XCTAssertEqual(info.trainCount, 60000)
        XCTAssertEqual(info.testCount, 10000)
        XCTAssertEqual(info.trainLabelCounts, [Int](repeating: 6000, count: 10))
        XCTAssertEqual(info.files.map(\.matchesKnown), [true, true, true, true])
    }

    func testFashionMNISTLoad() throws {
        guard FileManager.default.fileExists(atPath: Self.fashionDirectory) else {
            throw XCTSkip("\(Self.fashionDirectory) absent (apt-get install dataset-fashion-mnist)")
        }
        let fashion = try ImageDataset.load(.fashionMNIST, dataDirectory: nil, environment: [:])
        XCTAssertEqual(fashion.sourceDirectory, Self.fashionDirectory)
        XCTAssertEqual(fashion.testCount, 10000)
        XCTAssertEqual(fashion.labelCounts(.test), [Int](repeating: 1000, count: 10))
    }

    func testMissingDatasetListsEveryPlace() throws {
        let empty = try makeTempDirectory(self)
        assertDataError(.datasetNotFound, [
            "fashion-mnist dataset not found",
            "$ZOO_DATA \(empty)/fashion-mnist (no such directory)",
            "$ZOO_DATA \(empty) (no IDX files)",
            "system /nonexistent-root/fashion-mnist (no such directory)",
            "apt-get install dataset-fashion-mnist",
            "--data DIR",
        ]) {
            try ImageDataset.load(.fashionMNIST, dataDirectory: nil, environment: ["ZOO_DATA": empty],
                                  systemRoot: "/nonexistent-root")
        }
        // MNIST without its embedded copy.
        assertDataError(.datasetNotFound, ["mnist dataset not found", "$ZOO_DATA (not set)", "embedded copy",
                                           "system /nonexistent-root/mnist"]) {
            try ImageDataset.load(.mnist, dataDirectory: nil, environment: [:], embeddedMNIST: nil,
                                  systemRoot: "/nonexistent-root")
        }
        // --data is not second-guessed: no fallback to the embedded copy.
        assertDataError(.datasetNotFound, ["--data \(empty)/mnist (no such directory)", "--data \(empty) (no IDX files)", "fix --data"]) {
            try ImageDataset.load(.mnist, dataDirectory: empty, environment: [:])
        }
        let info = DatasetInfo.gather(.fashionMNIST, dataDirectory: nil, environment: ["ZOO_DATA": empty],
                                      systemRoot: "/nonexistent-root")
        XCTAssertFalse(info.available)
        XCTAssertEqual(info.places.count, 3)
        XCTAssertTrue(info.report.contains("looked in:"), info.report)
    }

    /// Writes a small dataset in the MNIST layout.
    func writeTinyDataset(to dir: String, gzip: Bool, trainLabels: [UInt8] = [1, 2, 3], testLabels: [UInt8] = [4, 5],
                          testImageCount: Int? = nil) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ext = gzip ? ".gz" : ""
        let nTest = testImageCount ?? testLabels.count
        try IDX.write(IDXFile(dims: [3, 2, 3], bytes: (0 ..< 18).map { UInt8($0) }), to: "\(dir)/train-images-idx3-ubyte\(ext)", gzip: gzip)
        try IDX.write(IDXFile(dims: [trainLabels.count], bytes: trainLabels), to: "\(dir)/train-labels-idx1-ubyte\(ext)", gzip: gzip)
        try IDX.write(IDXFile(dims: [nTest, 2, 3], bytes: [UInt8](repeating: 255, count: 6 * nTest)), to: "\(dir)/t10k-images-idx3-ubyte\(ext)", gzip: gzip)
        try IDX.write(IDXFile(dims: [testLabels.count], bytes: testLabels), to: "\(dir)/t10k-labels-idx1-ubyte\(ext)", gzip: gzip)
    }

    func testSearchOrderAndLayouts() throws {
        let root = try makeTempDirectory(self)
        // $ZOO_DATA/<name> holds fashion-mnist (raw files); --data DIR holds files directly (gzip).
        try writeTinyDataset(to: "\(root)/env/fashion-mnist", gzip: false)
        try writeTinyDataset(to: "\(root)/flag", gzip: true, testLabels: [0, 9])
        let env = ["ZOO_DATA": "\(root)/env"]

        let fromEnv = try ImageDataset.load(.fashionMNIST, dataDirectory: nil, environment: env, systemRoot: "/nonexistent")
        XCTAssertEqual(fromEnv.sourceDirectory, "\(root)/env/fashion-mnist")
        XCTAssertEqual([fromEnv.rows, fromEnv.cols, fromEnv.trainCount, fromEnv.testCount], [2, 3, 3, 2])
        XCTAssertEqual(Array(fromEnv.image(1)), [6, 7, 8, 9, 10, 11])

        let fromFlag = try ImageDataset.load(.fashionMNIST, dataDirectory: "\(root)/flag", environment: env)
        XCTAssertEqual(fromFlag.sourceDirectory, "\(root)/flag")
        XCTAssertEqual(fromFlag.testLabels, [0, 9])

        // $ZOO_DATA without mnist falls through to the embedded copy.
        let (files, places) = DatasetLocator.search(.mnist, dataDirectory: nil, environment: env)
        XCTAssertEqual(files?.origin, .embedded)
        XCTAssertEqual(places.map(\.origin), [.environment, .environment, .embedded])
    }

    func testFlatFolderOfTheOtherDatasetIsNotUsed() throws {
        // A folder holding MNIST itself must not be taken for fashion-mnist.
        let mnistDir = try XCTUnwrap(DatasetLocator.embeddedMNISTDirectory())
        assertDataError(.datasetNotFound, ["holds mnist, not fashion-mnist"]) {
            try ImageDataset.load(.fashionMNIST, dataDirectory: mnistDir, environment: [:])
        }
        // …but is fine as --data for mnist.
        XCTAssertNotNil(DatasetLocator.search(.mnist, dataDirectory: mnistDir, environment: [:]).files)
    }

    func testPartialFolder() throws {
        let dir = try makeTempDirectory(self)
        try writeTinyDataset(to: dir, gzip: false)
        try FileManager.default.removeItem(atPath: "\(dir)/t10k-labels-idx1-ubyte")
        assertDataError(.datasetNotFound, ["missing t10k-labels-idx1-ubyte[.gz]"]) {
            try ImageDataset.load(.mnist, dataDirectory: dir, environment: [:])
        }
    }

    func testInconsistentFiles() throws {
        let root = try makeTempDirectory(self)
        try writeTinyDataset(to: "\(root)/a", gzip: false, testLabels: [4, 5], testImageCount: 3)
        assertDataError(.invalidDataset, ["has 3 images but", "has 2 labels"]) {
            try ImageDataset.load(.mnist, dataDirectory: "\(root)/a", environment: [:])
        }
        try writeTinyDataset(to: "\(root)/b", gzip: true, trainLabels: [1, 12, 3])
        assertDataError(.invalidDataset, ["train-labels-idx1-ubyte.gz", "label 12 at index 1"]) {
            try ImageDataset.load(.mnist, dataDirectory: "\(root)/b", environment: [:])
        }
        // A truncated file names itself.
        try writeTinyDataset(to: "\(root)/c", gzip: false)
        let path = "\(root)/c/t10k-images-idx3-ubyte"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try writeFile(Array(bytes.dropLast(4)), to: path)
        assertDataError(.wrongSize, [path, "truncated"]) {
            try ImageDataset.load(.mnist, dataDirectory: "\(root)/c", environment: [:])
        }
    }

    func testBatchConversion() throws {
        let d = try ImageDataset(name: .mnist, rows: 1, cols: 2, trainImages: [0, 255, 51, 102], trainLabels: [3, 4],
                                 testImages: [], testLabels: [])
        XCTAssertEqual(d.batch(.train, indices: [1, 0]), [0.2, 0.4, 0, 1])
        XCTAssertEqual(d.batch(.train, indices: [0], range: -1 ... 1), [-1, 1])
        XCTAssertEqual(d.batch(.test, indices: []), [])
        assertDataError(.invalidDataset, ["label 10 at index 0"]) {
            try ImageDataset(name: .mnist, rows: 1, cols: 1, trainImages: [0], trainLabels: [10], testImages: [], testLabels: [])
        }
    }

    func testMNISTBatchMatchesBytes() throws {
        let mnist = try embeddedMNIST()
        let batch = mnist.batch(.test, indices: [9999, 0])
        XCTAssertEqual(batch.count, 2 * 784)
        XCTAssertEqual(batch[784 ..< 1568].map { UInt8(($0 * 255).rounded()) }, Array(mnist.image(0, split: .test)))
    }
}

extension DatasetTests {
    /// A dataset whose images file holds no images, or images of no pixels, says so plainly.
    func testNoImages() throws {
        let root = try makeTempDirectory(self)
        for (name, dims) in [("none", [0, 28, 28]), ("flat", [3, 0, 28])] {
            let dir = "\(root)/\(name)"
            try writeTinyDataset(to: dir, gzip: false)
            for stem in ["train", "t10k"] {
                try IDX.write(IDXFile(dims: dims, bytes: []), to: "\(dir)/\(stem)-images-idx3-ubyte")
                try IDX.write(IDXFile(dims: [dims[0]], bytes: [UInt8](repeating: 1, count: dims[0])), to: "\(dir)/\(stem)-labels-idx1-ubyte")
            }
            let expected = name == "none" ? "train-images-idx3-ubyte has no images (its header says 0 images of 28x28 pixels)"
                : "train-images-idx3-ubyte has images of 0x28 pixels, which hold no pixels"
            assertDataError(.invalidDataset, [expected]) { try ImageDataset.load(.mnist, dataDirectory: dir, environment: [:]) }
        }
    }
}
