// What `zoo data` prints: for each dataset, where it was found (or every place looked),
// its sizes, and the MD5 of each uncompressed file against the published checksums, so a
// person can tell a good copy from a damaged or different one.

import Foundation
import ZooFiles

public struct DatasetInfo: Sendable {
    public struct File: Sendable {
        public let path: String
        /// Whether the file on disk is gzip-compressed (its MD5 is of the uncompressed bytes).
        public let compressed: Bool
        public let dims: [Int]
        public let md5: String
        /// The published MD5 for this file, when known.
        public let knownMD5: String?
        public var matchesKnown: Bool? { knownMD5.map { $0 == md5 } }
    }

    public let name: DatasetName
    /// The folder the dataset was found in; nil when it was not found or could not be read.
    public let directory: String?
    public let origin: DatasetPlace.Origin?
    /// Every place looked at, in order.
    public let places: [DatasetPlace]
    /// Why the dataset is unavailable (not found, or found but unreadable); nil when it loaded.
    public let error: String?
    public let rows: Int
    public let cols: Int
    public let trainCount: Int
    public let testCount: Int
    /// Train images per class 0...9.
    public let trainLabelCounts: [Int]
    public let testLabelCounts: [Int]
    public let files: [File]

    public var available: Bool { error == nil }

    /// Locates and reads one dataset, never throwing: failures are reported in `error`.
    public static func gather(_ name: DatasetName, dataDirectory: String? = nil) -> DatasetInfo {
        gather(name, dataDirectory: dataDirectory, environment: ProcessInfo.processInfo.environment)
    }

    /// `gather` for every dataset, one after another (only one is in memory at a time).
    public static func gatherAll(dataDirectory: String? = nil) -> [DatasetInfo] {
        DatasetName.allCases.map { gather($0, dataDirectory: dataDirectory) }
    }

    static func gather(_ name: DatasetName, dataDirectory: String?, environment: [String: String],
                       embeddedMNIST: String? = DatasetLocator.embeddedMNISTDirectory(),
                       systemRoot: String = DatasetLocator.systemRoot) -> DatasetInfo {
        let (located, places) = DatasetLocator.search(name, dataDirectory: dataDirectory, environment: environment,
                                                      embeddedMNIST: embeddedMNIST, systemRoot: systemRoot)
        func failure(_ message: String) -> DatasetInfo {
            DatasetInfo(name: name, directory: nil, origin: nil, places: places, error: message,
                        rows: 0, cols: 0, trainCount: 0, testCount: 0,
                        trainLabelCounts: [], testLabelCounts: [], files: [])
        }
        guard let located else {
            let looked = places.map(\.description).joined(separator: "; ")
            return failure("not found. Looked in: \(looked). \(DatasetLocator.howToGet(name, flagGiven: dataDirectory != nil))")
        }
        let dataset: ImageDataset, dims: [[Int]]
        do {
            (dataset, dims) = try ImageDataset.read(name, located)
        } catch {
            return failure("found in \(located.directory) but unreadable: \(error)")
        }
        let known = name.knownMD5s
        let arrays = [dataset.trainImages, dataset.trainLabels, dataset.testImages, dataset.testLabels]
        var files: [File] = []
        for i in 0 ..< 4 {
            // The file's bytes are its canonical header followed by the data (the reader
            // accepts nothing else), so the checksum needs no second read of the file.
            var md5 = MD5()
            md5.update(IDX.headerBytes(dims: dims[i]))
            md5.update(arrays[i])
            let path = located.paths[i]
            files.append(File(path: path, compressed: isGzipFile(path), dims: dims[i], md5: md5.hexDigest(),
                              knownMD5: known[DatasetLocator.stems[i]]))
        }
        return DatasetInfo(name: name, directory: located.directory, origin: located.origin,
                           places: places, error: nil, rows: dataset.rows, cols: dataset.cols,
                           trainCount: dataset.trainCount, testCount: dataset.testCount,
                           trainLabelCounts: dataset.labelCounts(.train),
                           testLabelCounts: dataset.labelCounts(.test), files: files)
    }

    private static func isGzipFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return Gzip.isGzip([UInt8](handle.readData(ofLength: 2)))
    }

    /// A few lines for people, e.g.
    ///
    ///     mnist: found in /…/zoo_ZooData.resources/mnist (embedded copy)
    ///       60000 train + 10000 test images of 28x28
    ///       train images per class 0-9: 5923 6742 5958 6131 5842 5421 5918 6265 5851 5949
    ///       train-images-idx3-ubyte.gz  md5 6bbc9ace898e44ae57da46a324031adb  ok (published)
    public var report: String {
        var lines: [String] = []
        guard error == nil, let directory else {
            if !places.contains(where: \.found) {
                // Not found: one place per line reads better than the one-line error.
                lines.append("\(name.rawValue): not found")
                lines += places.enumerated().map { "  \($0.offset == 0 ? "looked in:" : "          ") \($0.element)" }
                lines.append("  " + DatasetLocator.howToGet(name, flagGiven: places.first?.origin == .flag))
            } else {
                lines.append("\(name.rawValue): \(error ?? "not available")")
            }
            return lines.joined(separator: "\n")
        }
        lines.append("\(name.rawValue): found in \(directory) (\(origin?.rawValue ?? "?"))")
        lines.append("  \(trainCount) train + \(testCount) test images of \(rows)x\(cols)")
        lines.append("  train images per class 0-9: " + trainLabelCounts.map(String.init).joined(separator: " "))
        lines.append("  test images per class 0-9:  " + testLabelCounts.map(String.init).joined(separator: " "))
        let width = files.map { ($0.path as NSString).lastPathComponent.count }.max() ?? 0
        for f in files {
            let base = (f.path as NSString).lastPathComponent
            let pad = String(repeating: " ", count: width - base.count)
            let verdict: String
            switch f.matchesKnown {
            case true?: verdict = "ok (matches the published checksum)"
            case false?: verdict = "DIFFERS from the published \(f.knownMD5 ?? "")"
            case nil: verdict = "(no published checksum)"
            }
            lines.append("  \(base)\(pad)  md5 \(f.md5)  \(verdict)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report for every dataset, as `zoo data` prints it.
    public static func report(dataDirectory: String? = nil) -> String {
        gatherAll(dataDirectory: dataDirectory).map(\.report).joined(separator: "\n")
    }
}
