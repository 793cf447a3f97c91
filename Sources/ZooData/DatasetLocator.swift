// Where a dataset's four IDX files are looked for, in order:
//   1. --data DIR (DIR/<name>, then DIR itself). When given, nothing else is tried: a person
//      who names a folder wants that data or an error, never a silent substitute.
//   2. $ZOO_DATA (the same two forms), falling through to the defaults when it lacks the dataset.
//   3. mnist: the copy embedded in the ZooData resource bundle.
//   4. /usr/share/datasets/<name> (Debian's dataset-fashion-mnist installs there).
// Every place looked at is recorded so that a "not found" error can list them all.

import Foundation
import ZooFiles

/// One place the loader looked for a dataset and what it found there.
public struct DatasetPlace: Sendable, CustomStringConvertible {
    public enum Origin: String, Sendable {
        case flag = "--data"
        case environment = "$ZOO_DATA"
        case embedded = "embedded copy"
        case system = "system"
    }

    public let origin: Origin
    public let path: String
    /// "found", or why not: "no such directory", "missing train-images-idx3-ubyte[.gz], ...".
    public let finding: String

    public var found: Bool { finding == "found" }
    public var description: String { path.isEmpty ? "\(origin.rawValue) (\(finding))" : "\(origin.rawValue) \(path) (\(finding))" }
}

/// The four files of a located dataset.
struct DatasetFiles: Sendable {
    var directory: String
    var origin: DatasetPlace.Origin
    /// Paths by stem, in `DatasetLocator.stems` order.
    var paths: [String]
}

public enum DatasetLocator {
    /// The file names without ".gz": train images, train labels, test images, test labels.
    static let stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// Where Debian's dataset packages put their files.
    static let systemRoot = "/usr/share/datasets"

    /// The path of `stem` in `dir`: the uncompressed file when present (faster), else the .gz.
    /// Whether `dir` holds IDX training images (`train-images-idx3-ubyte`, gzipped or not):
    /// what tells a dataset folder from a folder of the user's own images.
    public static func holdsIDXFiles(_ dir: String) -> Bool { file("train-images-idx3-ubyte", in: dir) != nil }

    static func file(_ stem: String, in dir: String) -> String? {
        for candidate in ["\(dir)/\(stem)", "\(dir)/\(stem).gz"] where FileKind.of(candidate) == .regular {
            return candidate
        }
        return nil
    }

    /// Looks in one directory; returns the files when all four are there.
    static func probe(_ dir: String, origin: DatasetPlace.Origin, expecting name: DatasetName?,
                      places: inout [DatasetPlace]) -> DatasetFiles? {
        guard FileKind.of(dir) == .directory else {
            places.append(DatasetPlace(origin: origin, path: dir, finding: "no such directory"))
            return nil
        }
        let paths = stems.map { file($0, in: dir) }
        let missing = zip(stems, paths).filter { $0.1 == nil }.map { "\($0.0)[.gz]" }
        guard missing.isEmpty else {
            let finding = missing.count == stems.count ? "no IDX files" : "missing \(missing.joined(separator: ", "))"
            places.append(DatasetPlace(origin: origin, path: dir, finding: finding))
            return nil
        }
        let found = paths.compactMap { $0 }
        // A folder given for the files themselves (not DIR/<name>) may hold another dataset:
        // the train labels (60 KB) tell which, so fashion-mnist is never trained on MNIST by accident.
        if let name, let other = identify(labelsPath: found[1]), other != name {
            places.append(DatasetPlace(origin: origin, path: dir, finding: "holds \(other.rawValue), not \(name.rawValue)"))
            return nil
        }
        places.append(DatasetPlace(origin: origin, path: dir, finding: "found"))
        return DatasetFiles(directory: dir, origin: origin, paths: found)
    }

    /// The known dataset whose train labels these are, if any.
    static func identify(labelsPath: String) -> DatasetName? {
        // Read as IDX (header first), so that a bomb in the labels' place is never inflated
        // whole; the reader accepts only canonical files, whose bytes are header plus data.
        guard let labels = try? IDX.read(path: labelsPath, rank: 1) else { return nil }
        var digest = MD5()
        digest.update(IDX.headerBytes(dims: labels.dims))
        digest.update(labels.bytes)
        let md5 = digest.hexDigest()
        return DatasetName.allCases.first { $0.knownMD5s["train-labels-idx1-ubyte"] == md5 }
    }

    /// Searches DIR/<name>, then DIR.
    static func probeRoot(_ root: String, origin: DatasetPlace.Origin, name: DatasetName,
                          places: inout [DatasetPlace]) -> DatasetFiles? {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        if let files = probe("\(trimmed)/\(name.rawValue)", origin: origin, expecting: nil, places: &places) {
            return files
        }
        return probe(trimmed, origin: origin, expecting: name, places: &places)
    }

    /// Finds a dataset, recording every place looked at. `environment` and the default
    /// folders are parameters so that tests can point them elsewhere.
    static func search(_ name: DatasetName, dataDirectory: String?,
                       environment: [String: String],
                       embeddedMNIST: String? = embeddedMNISTDirectory(),
                       systemRoot: String = systemRoot) -> (files: DatasetFiles?, places: [DatasetPlace]) {
        var places: [DatasetPlace] = []
        if let dir = dataDirectory {
            return (probeRoot(dir, origin: .flag, name: name, places: &places), places)
        }
        if let env = environment["ZOO_DATA"], !env.isEmpty {
            if let files = probeRoot(env, origin: .environment, name: name, places: &places) { return (files, places) }
        } else {
            places.append(DatasetPlace(origin: .environment, path: "", finding: "not set"))
        }
        if name == .mnist {
            if let dir = embeddedMNIST {
                if let files = probe(dir, origin: .embedded, expecting: nil, places: &places) { return (files, places) }
            } else {
                places.append(DatasetPlace(origin: .embedded, path: "zoo_ZooData.resources/mnist",
                                           finding: "resource bundle not found next to the executable"))
            }
        }
        let system = "\(systemRoot)/\(name.rawValue)"
        return (probe(system, origin: .system, expecting: nil, places: &places), places)
    }

    /// `search`, throwing a one-line error that lists every place looked at when none has the dataset.
    static func locate(_ name: DatasetName, dataDirectory: String?,
                       environment: [String: String],
                       embeddedMNIST: String? = embeddedMNISTDirectory(),
                       systemRoot: String = systemRoot) throws -> DatasetFiles {
        let (files, places) = search(name, dataDirectory: dataDirectory, environment: environment,
                                     embeddedMNIST: embeddedMNIST, systemRoot: systemRoot)
        if let files { return files }
        let looked = places.map(\.description).joined(separator: "; ")
        throw DataError(.datasetNotFound, "\(name.rawValue) dataset not found. Looked in: \(looked). \(howToGet(name, flagGiven: dataDirectory != nil))")
    }

    static func howToGet(_ name: DatasetName, flagGiven: Bool) -> String {
        let files = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz"
        let get: String
        switch name {
        case .mnist:
            get = "MNIST is embedded in zoo: keep the zoo_ZooData.resources folder next to the zoo executable"
        case .fashionMNIST:
            get = "Install it with 'apt-get install dataset-fashion-mnist' (files go to \(systemRoot)/fashion-mnist)"
        }
        let pass = flagGiven ? "or fix --data DIR" : "or pass --data DIR"
        return "\(get), \(pass) (or set ZOO_DATA=DIR) where DIR or DIR/\(name.rawValue) holds \(files)."
    }

    /// The folder of the MNIST copy embedded as a resource of this module, if it can be found.
    ///
    /// `Bundle.module` calls fatalError when its bundle is neither next to the executable nor
    /// in the build folder it was built in (e.g. a copied `zoo` binary), so it is only touched
    /// once the bundle next to the executable is known to exist; otherwise the source tree's
    /// copy is tried, which is where the build-folder copy came from.
    static func embeddedMNISTDirectory() -> String? {
        #if os(Linux) || os(Windows)
        let bundleName = "zoo_ZooData.resources"
        #else
        let bundleName = "zoo_ZooData.bundle"
        #endif
        let nextToExecutable = Bundle.main.bundleURL.appendingPathComponent(bundleName).path
        if FileKind.of(nextToExecutable) == .directory,
           let url = Bundle.module.url(forResource: "mnist", withExtension: nil),
           FileKind.of(url.path) == .directory {
            return url.path
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/mnist").path
        return FileKind.of(source) == .directory ? source : nil
    }
}
