import Foundation
import XCTest
import ZooHDF5
import Zoo
import ZooModels
@testable import ZooCLI

/// Text from files reaches the terminal escaped: a checkpoint attribute holding an escape
/// sequence, an HDF5 name holding one, a file name holding a newline. A command zoo suggests
/// quotes its path so that pasting it names the real file.
final class CLITerminalSafetyTests: CLITestCase {
    private func vaeCopy(_ name: String) throws -> URL {
        try copyOfSharedCheckpoint("v.h5", CLIVerbTests.vaeArguments, to: folder, as: name)
    }

    private func assertNoControlCharacters(_ text: String, _ what: String, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { $0 != "\n" && TerminalText.isControl($0) }
        XCTAssertTrue(bad.isEmpty, "\(what) holds control characters \(bad.map { $0.value }): \(text)", line: line)
    }

    func testCheckpointStringsAreEscaped() throws {
        var tree = try CheckpointTree(reading: try vaeCopy("v.h5").path)
        tree.attributes["/"]!["created"] = .string("\u{1B}[2Jtoday")
        tree.attributes["/"]!["zoo_version"] = .string("0.1\u{7}")
        let epochs = tree.datasets["/history/epoch"]!.shape
        tree.datasets["/history/losses/\u{1B}[31mred"] = .init(values: .float64(.init(repeating: 1, count: epochs[0])), shape: epochs)
        let odd = folder.appendingPathComponent("odd.h5").path
        try tree.write(to: odd)
        let text = try zooOK(["inspect", "odd.h5"], in: folder)
        assertNoControlCharacters(text.stdout, "zoo inspect")
        XCTAssertTrue(text.stdout.contains("at \\u{1b}[2Jtoday"), text.description)
        XCTAssertTrue(text.stdout.contains("\\u{1b}[31mred"), text.description)
        let json = try zooOK(["inspect", "odd.h5", "--json"], in: folder)
        assertNoControlCharacters(json.stdout, "zoo inspect --json")
        XCTAssertEqual((try json.json() as? [String: Any])?["created"] as? String, "\u{1B}[2Jtoday")

        tree.attributes["/"]!["model"] = .string("vae\u{1B}[2J")
        try tree.write(to: folder.appendingPathComponent("model.h5").path)
        let failure = try zooFails(["inspect", "model.h5"], in: folder, mentioning: ["unknown model 'vae\\u{1b}[2J'"])
        assertNoControlCharacters(failure.stderr, "the error")
    }

    func testFileNameWithANewline() throws {
        let name = "new\nline.h5"
        _ = try vaeCopy(name)
        let refused = try zooFails(["train", "vae", "--out", name], in: folder,
                                   mentioning: ["new\\nline.h5 already holds a checkpoint of vae", "`zoo resume $'new\\nline.h5'`"],
                                   usage: true)
        assertNoControlCharacters(refused.stderr, "the error")
        let shown = try zooOK(["inspect", name], in: folder)
        XCTAssertTrue(shown.stdout.hasPrefix("new\\nline.h5: vae"), shown.description)
        let sampled = try zooOK(["sample", name, "-n", "4", "--out", "a\tb.png"], in: folder)
        XCTAssertTrue(sampled.stdout.hasPrefix("wrote a\\tb.png"), sampled.description)
        assertNoControlCharacters(sampled.stdout, "zoo sample")
        // A missing file with a control character in its name: one escaped line.
        let missing = try zooFails(["inspect", "gone\u{1B}[2J.h5"], in: folder, mentioning: ["gone\\u{1b}[2J.h5"])
        assertNoControlCharacters(missing.stderr, "the error")
    }

    /// What bash makes of each quoted path is the path itself.
    func testShellQuotingNamesTheRealFile() throws {
        XCTAssertEqual(Output.shellQuoted("runs/vae-2.h5"), "runs/vae-2.h5")
        XCTAssertEqual(Output.shellQuoted("my run.h5"), "'my run.h5'")
        XCTAssertEqual(Output.shellQuoted("it's.h5"), #"'it'\''s.h5'"#)
        XCTAssertEqual(Output.shellQuoted("new\nline.h5"), #"$'new\nline.h5'"#)
        for path in ["plain.h5", "my run.h5", "it's.h5", "new\nline.h5", "tab\there's\\.h5", "esc\u{1B}[2J.h5", "ünï cödé.h5", "$HOME `x`.h5", ""] {
            let bash = Process()
            bash.executableURL = URL(fileURLWithPath: "/bin/bash")
            bash.arguments = ["-c", "printf %s " + Output.shellQuoted(path)]
            let pipe = Pipe()
            bash.standardOutput = pipe
            try bash.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            bash.waitUntilExit()
            XCTAssertEqual(String(decoding: output, as: UTF8.self), path, Output.shellQuoted(path))
        }
    }
}
