import Foundation

/// A fuzzer's input as a file: the readers under test take paths, as zoo's verbs do. One file
/// per process in a RAM-backed folder where there is one, rewritten for every input.
public enum FuzzInput {
    public static let path: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/zoo-fuzz-\(getpid())"
    }()

    /// The process's arguments as libFuzzer's driver takes them (it may rewrite them).
    public static func driverArguments() -> (count: Int32, values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        (CommandLine.argc, UnsafeMutableRawPointer(CommandLine.unsafeArgv).assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self))
    }

    /// Writes the input to `path` + `suffix`, runs `body` on that path, and removes the file.
    public static func withFile(_ data: UnsafePointer<UInt8>?, _ count: Int, suffix: String = "", _ body: (String) -> Void) {
        let file = path + suffix
        let handle = fopen(file, "wb")!
        if let data, count > 0 { precondition(fwrite(data, 1, count, handle) == count, "cannot write \(file)") }
        fclose(handle)
        body(file)
        unlink(file)
    }
}
