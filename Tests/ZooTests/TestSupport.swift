import Foundation
import XCTest
import Zoo
import ZooModels
@testable import ZooCLI

// Shared helpers for the model, CLI and registry tests of ZooTests. Names are specific
// (`ZooTestSupport`, `ZooBinary`, ...) so that they cannot clash with other test files in the target.

enum ZooTestSupport {
    /// Registers the built-in models once (registering again is harmless: same names, same types).
    static func registerBuiltins() { ModelRegistry.register(builtinModels) }

    nonisolated(unsafe) private static var cachedMNIST: ImageDataset?
    private static let lock = NSLock()

    /// The MNIST the library loads by default, read once for all tests (about 0.3 s in release).
    static func mnist() throws -> ImageDataset {
        try lock.withLock {
            if let d = cachedMNIST { return d }
            let d = try ImageDataset.load(.mnist)
            cachedMNIST = d
            return d
        }
    }

    /// A fresh temporary directory, removed when `test` ends.
    static func temporaryDirectory(_ test: XCTestCase, _ label: String = "zoo-tests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The package root, from this file's location (Tests/ZooTests/TestSupport.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// Locates the `zoo` executable built alongside the test bundle.
enum ZooBinary {
    /// Where the executable is, or nil with the places looked at. Order:
    /// 1. $ZOO_BINARY, if set (CI can point at any build);
    /// 2. the build products folder of the running test bundle (found from the bundle, from the
    ///    test executable and from /proc/self/exe), which is right whatever --scratch-path and
    ///    configuration were used;
    /// 3. the usual scratch paths under the package root.
    static let located: (url: URL?, searched: [String]) = {
        let fm = FileManager.default
        var folders: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["ZOO_BINARY"], !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit)
            if fm.isExecutableFile(atPath: url.path) { return (url, [url.path]) }
            folders.append(url.deletingLastPathComponent())
        }
        var starts: [URL] = [Bundle(for: BundleMarker.self).bundleURL, Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { starts.append(URL(fileURLWithPath: exe)) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "."))
        for start in starts {
            // The xctest bundle (an executable on Linux, a folder on macOS with the executable
            // deeper inside) sits in the products folder: look there and a few levels up.
            var folder = start.standardizedFileURL
            for _ in 0..<5 {
                folders.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        let root = ZooTestSupport.packageRoot
        for scratch in [".build-cli", ".build"] {
            for configuration in ["release", "debug"] { folders.append(root.appendingPathComponent("\(scratch)/\(configuration)")) }
        }
        var searched: [String] = []
        for folder in folders {
            let candidate = folder.appendingPathComponent("zoo")
            guard !searched.contains(candidate.path) else { continue }
            searched.append(candidate.path)
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               fm.isExecutableFile(atPath: candidate.path) {
                return (candidate, searched)
            }
        }
        return (nil, searched)
    }()

    static func url() throws -> URL {
        guard let url = located.url else {
            // A failure, not a skip: a missing executable must not let the CLI tests pass unseen.
            throw ZooError("the zoo executable was not found (build it with `swift build --build-tests`, or set ZOO_BINARY); looked at: \(located.searched.joined(separator: ", "))")
        }
        return url
    }

    private final class BundleMarker {}
}

/// What one run of the `zoo` executable did.
struct ZooResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double

    var description: String {
        "zoo \(arguments.joined(separator: " ")) → exit \(status) in \(String(format: "%.2f", seconds)) s\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }

    /// stdout parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }
}

extension XCTestCase {
    /// One cache folder for the test process's zoo runs, removed when the process ends.
    static let cacheHome: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-test-cache-\(getpid())").path
        atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("zoo-test-cache-\(getpid())").path) }
        return folder
    }()

    /// Runs `zoo arguments...` in `directory` with the environment cleaned of ZOO_* variables
    /// (so the machine's $ZOO_DATA cannot change what the tests see). stdout and stderr go to
    /// files, so a chatty child can never block on a full pipe.
    /// `interruptAfter`: send SIGINT (Ctrl-C) once stdout contains this text. `environment`: more
    /// variables for the child.
    func zoo(_ arguments: [String], in directory: URL, timeout: TimeInterval = 120, interruptAfter: String? = nil,
             environment extra: [String: String] = [:]) throws -> ZooResult {
        let binary = try ZooBinary.url()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZOO_") }
        environment["XDG_CACHE_HOME"] = Self.cacheHome  // decoded image folders go here, not to ~/.cache
        environment.merge(extra) { $1 }
        process.environment = environment
        let id = UUID().uuidString
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-out-\(id)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        let deadline = start.addingTimeInterval(timeout)
        var interruptAfter = interruptAfter
        while process.isRunning && Date() < deadline {
            if let marker = interruptAfter, String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self).contains(marker) {
                process.interrupt()
                interruptAfter = nil
            }
            usleep(5_000)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("zoo \(arguments.joined(separator: " ")) ran longer than \(timeout) s")
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ZooResult(arguments: arguments, status: process.terminationStatus,
                         stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                         stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self),
                         seconds: Date().timeIntervalSince(start))
    }

    /// Runs zoo and requires exit status 0.
    @discardableResult
    func zooOK(_ arguments: [String], in directory: URL, file: StaticString = #filePath, line: UInt = #line) throws -> ZooResult {
        let result = try zoo(arguments, in: directory)
        XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
        return result
    }

    /// Runs zoo and requires a clean failure: exactly one line on stderr that contains every one
    /// of `parts`, nothing on stdout (unless `quietStdout` is false: the command failed after
    /// starting its work), no crash report ("Fatal error", a stack dump, an HDF5 diagnostic), and
    /// none of `mustNotExist` (paths relative to `directory`) written.
    ///
    /// `usage`: the command line itself is wrong (a flag's value, an unknown model or verb), so zoo
    /// exits 64 and points at the help; any other failure exits 1 without that pointer.
    @discardableResult
    func zooFails(_ arguments: [String], in directory: URL, mentioning parts: [String] = [], mustNotExist: [String] = [],
                  usage: Bool = false, quietStdout: Bool = true, environment: [String: String] = [:],
                  file: StaticString = #filePath, line: UInt = #line) throws -> ZooResult {
        let result = try zoo(arguments, in: directory, environment: environment)
        XCTAssertEqual(result.status, usage ? 64 : 1, "expected exit \(usage ? "64 (usage)" : "1"): \(result)", file: file, line: line)
        if quietStdout { XCTAssertEqual(result.stdout, "", "a failed command printed to stdout: \(result)", file: file, line: line) }
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(lines.count, 1, "expected exactly one line on stderr: \(result)", file: file, line: line)
        XCTAssertEqual(result.stderr.hasSuffix(" (see `\(ZooCommand.helpCommand(for: arguments))`)\n"), usage,
                       usage ? "a usage error should point at the help: \(result)" : "a failure of the work itself points at the help: \(result)",
                       file: file, line: line)
        if let first = lines.first {
            XCTAssertTrue(first.hasPrefix("Error: "), "the error line should start with 'Error: ': \(result)", file: file, line: line)
            for part in parts {
                XCTAssertTrue(first.contains(part), "the error line lacks '\(part)': \(result)", file: file, line: line)
            }
        }
        for bad in ["Fatal error", "Stack dump", "stack trace", "Illegal instruction", "Segmentation fault", "HDF5-DIAG", "#0 "] {
            XCTAssertFalse(result.stderr.contains(bad), "'\(bad)' on stderr: \(result)", file: file, line: line)
        }
        for path in mustNotExist {
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path),
                           "\(path) was written by a failed command: \(result)", file: file, line: line)
        }
        return result
    }
}

/// Checkpoints trained once per test process by the `zoo` executable and shared by the CLI
/// tests (which copy them before changing them), in a folder removed when the process exits.
enum SharedCheckpoints {
    nonisolated(unsafe) private static var folder: URL?
    nonisolated(unsafe) private static var made: [String: (url: URL, training: ZooResult)] = [:]

    static func directory() throws -> URL {
        if let folder { return folder }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cli-shared-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        folder = url
        atexit {
            if let folder = SharedCheckpoints.folder { try? FileManager.default.removeItem(at: folder) }
        }
        return url
    }

    static func lookup(_ name: String) -> (url: URL, training: ZooResult)? { made[name] }
    static func store(_ name: String, _ value: (url: URL, training: ZooResult)) { made[name] = value }
}

extension XCTestCase {
    /// `zoo train <arguments> --out <name>` run once per test process (the first test that asks
    /// trains it); fails the asking test if training fails.
    func sharedCheckpoint(_ name: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (url: URL, training: ZooResult) {
        if let done = SharedCheckpoints.lookup(name) { return done }
        let folder = try SharedCheckpoints.directory()
        let result = try zoo(["train"] + arguments + ["--out", name], in: folder)
        guard result.status == 0 else {
            XCTFail("training the shared checkpoint \(name) failed: \(result)", file: file, line: line)
            throw ZooError("no shared checkpoint \(name)")
        }
        let made = (folder.appendingPathComponent(name), result)
        SharedCheckpoints.store(name, made)
        return made
    }

    /// Copies a shared checkpoint into `directory` (for tests that change or overwrite it).
    func copyOfSharedCheckpoint(_ name: String, _ arguments: [String], to directory: URL, as copyName: String) throws -> URL {
        let source = try sharedCheckpoint(name, arguments).url
        let destination = directory.appendingPathComponent(copyName)
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: source, to: destination)
        return destination
    }
}

/// The standard deviation of gray levels, 0...255: 0 for a blank (uniform) picture.
func grayDeviation(_ pixels: [UInt8]) -> Double {
    let values = pixels.map(Double.init)
    let mean = values.reduce(0, +) / Double(max(values.count, 1))
    return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(values.count, 1))).squareRoot()
}

/// Reads a PNG written by zoo.
func readZooPNG(_ url: URL) throws -> PixelImage { try PNG.read(path: url.path) }

extension PixelImage {
    /// The cells of the first `count` images of a grid `nrow` wide, in order.
    func cells(_ count: Int, nrow: Int = 8) -> [[UInt8]] {
        (0..<count).map { cell(row: $0 / nrow, column: $0 % nrow) }
    }

    /// The gray pixels of grid cell (row, column) of a grid laid out by `ImageGrid` with
    /// `padding` (28x28 MNIST cells by default).
    func cell(row: Int, column: Int, size: Int = 28, padding: Int = 2) -> [UInt8] {
        precondition(channels == 1, "gray pictures only")
        var out: [UInt8] = []
        out.reserveCapacity(size * size)
        let top = padding + row * (size + padding), left = padding + column * (size + padding)
        for y in top..<(top + size) { out += pixels[(y * width + left)..<(y * width + left + size)] }
        return out
    }
}

extension TrainingRun {
    /// The run's model as the generative model the test knows it is.
    var generative: any GenerativeModel {
        guard let model = model as? any GenerativeModel else { fatalError("\(modelType.name) is not a generative model") }
        return model
    }
}

/// A test of the real `zoo` executable: the built-in models registered, the binary found, and a
/// fresh temporary folder (`folder`) for each test, removed after it.
class CLITestCase: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        ZooTestSupport.registerBuiltins()
        _ = try ZooBinary.url()
        folder = try ZooTestSupport.temporaryDirectory(self, "zoo-\(String(describing: type(of: self)))")
    }
}
