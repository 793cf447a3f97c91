import Foundation
import XCTest
import ZooHDF5
import Zoo
import ZooModels
@testable import ZooCLI

/// Bad input to the real `zoo` executable: every case must end with a non-zero exit, one line
/// on stderr that says what is wrong, no crash report, and no file written or changed.
///
/// Mistakes in the command line itself are usage errors (exit 64, pointing at the help); the
/// cases pass `usage: true` (see `zooFails`).
final class CLIErrorTests: CLITestCase {
    /// A copy of the shared one-epoch VAE checkpoint (latent 20) in this test's folder.
    func vaeCopy(_ name: String = "v.h5") throws -> URL {
        try copyOfSharedCheckpoint("v.h5", CLIVerbTests.vaeArguments, to: folder, as: name)
    }

    /// A usage error points at the help of the verb it was given to.
    func testUsageErrorsPointAtTheVerbsHelp() throws {
        XCTAssertEqual(ZooCommand.helpCommand(for: ["train", "nope"]), "zoo help train")
        XCTAssertEqual(ZooCommand.helpCommand(for: ["data", "--json"]), "zoo help data")
        XCTAssertEqual(ZooCommand.helpCommand(for: ["frobnicate"]), "zoo help")
        XCTAssertEqual(ZooCommand.helpCommand(for: []), "zoo help")
        let result = try zooFails(["sample", "x.h5", "-n", "0"], in: folder, usage: true)
        XCTAssertTrue(result.stderr.hasSuffix(" (see `zoo help sample`)\n"), result.description)
    }

    func testUnknownModelListsTheRegisteredOnes() throws {
        try zooFails(["train", "nope", "--out", "x.h5"], in: folder,
                     mentioning: ["unknown model 'nope'", "registered models: ae, cgan, classifier, convvae, cvae, dcgan, gan, vae"], mustNotExist: ["x.h5"], usage: true)
    }

    func testBadTrainingFlagValues() throws {
        try zooFails(["train", "vae", "--epochs", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--epochs must be at least 1, got 0"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--lr=-1", "--out", "x.h5"], in: folder,
                     mentioning: ["--lr must be a positive number"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--lr", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--lr must be a positive number"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--batch-size", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--batch-size must be between 1 and 16777216, got 0"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--limit", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--limit must be at least 1"], mustNotExist: ["x.h5"], usage: true)
        // Parsed by swift-argument-parser: the message names the flag and the value.
        try zooFails(["train", "vae", "--batch-size", "x", "--out", "x.h5"], in: folder,
                     mentioning: ["'x' is invalid for '--batch-size"], mustNotExist: ["x.h5"], usage: true)
        // A negative number after a flag is its value (swift-argument-parser alone would call
        // it a missing value followed by an option "-1"), so the flag's own check speaks.
        try zooFails(["train", "vae", "--lr", "-1", "--out", "x.h5"], in: folder,
                     mentioning: ["--lr must be a positive number, got -1"], mustNotExist: ["x.h5"], usage: true)
        for (flag, value, message) in [("--batch-size", "-5", "--batch-size must be between 1 and 16777216, got -5"),
                                       ("--threads", "-1", "--threads must be between 1 and 1024, got -1"),
                                       ("--epochs", "-2", "--epochs must be at least 1, got -2"),
                                       ("--latent", "-3", "--latent must be at least 1, got -3"),
                                       ("--hidden", "-3", "vae: layer widths 784→-3→40: each must be between 1 and"),
                                       ("--seed", "-1", "'-1' is invalid for '--seed <seed>': a seed is a whole number from 0 to 18446744073709551615"),
                                       ("--seed", "18446744073709551616", "a seed is a whole number from 0 to 18446744073709551615")] {
            let result = try zooFails(["train", "vae", flag, value, "--out", "x.h5"], in: folder,
                                      mentioning: [message], mustNotExist: ["x.h5"], usage: true)
            XCTAssertFalse(result.stderr.contains("Missing value"), result.description)
        }
        try zooFails(["train", "vae", "--checkpoint-every", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--checkpoint-every must be at least 1"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--threads", "0", "--out", "x.h5"], in: folder,
                     mentioning: ["--threads must be between 1 and 1024, got 0"], mustNotExist: ["x.h5"], usage: true)
    }

    func testBadHyperparameters() throws {
        try zooFails(["train", "vae", "--set", "foo=1", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["unknown hyper-parameter of vae 'foo'", "known: beta, hidden, latent"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--set", "hidden=abc", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["'hidden'", "cannot read 'abc'"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--set", "latent=[1,2]", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of vae 'latent' is [1,2]; expected a whole number from -9223372036854775808 to 9223372036854775807"],
                     mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "gan", "--set", "inversionSteps=1.5", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of gan 'inversionSteps' is 1.5; expected a whole number"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--set", "latent=99999999999999999999", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of vae 'latent' is 99999999999999999999; expected a whole number from -9223372036854775808 to 9223372036854775807"],
                     mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--hidden", "64,32.5", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of vae 'hidden' is 64,32.5; expected a list of whole numbers from"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "gan", "--set", "leakySlope=nan", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of gan 'leakySlope': 'nan' is not a finite number"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "gan", "--set", "inversionSteps=-1", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["gan: inversionSteps must be between 0 and 100000, got -1"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "ae", "--latent", "1000000", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["ae: latent must be between 1 and 4096, got 1000000"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "ae", "--latent", "4", "--set", "latent=3", "--out", "x.h5"], in: folder,
                     mentioning: ["--set latent=3: 'latent' is given twice"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "ae", "--hidden", "10,,20", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["hyper-parameter of ae 'hidden': cannot read '10,,20'"], mustNotExist: ["x.h5"], usage: true)
        // Sizes that would not fit in memory are refused before anything is allocated.
        try zooFails(["train", "ae", "--hidden", "1000000,1", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["ae: layer widths 784→1000000→1→2 need more than 134217728 weights"],
                     mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--latent", "100000000000", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["vae: latent must be between 1 and 134217728, got 100000000000"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--latent", "-3", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["--latent must be at least 1, got -3"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--set", "latent=-3", "--limit", "10", "--out", "x.h5"], in: folder,
                     mentioning: ["vae: latent must be between 1 and 134217728, got -3"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--set", "latent", "--out", "x.h5"], in: folder,
                     mentioning: ["--set expects key=value, got 'latent'"], mustNotExist: ["x.h5"], usage: true)
    }

    func testUnknownDataset() throws {
        try zooFails(["train", "vae", "--dataset", "nope", "--out", "x.h5"], in: folder,
                     mentioning: ["unknown dataset 'nope'", "mnist, fashion-mnist"], mustNotExist: ["x.h5"], usage: true)
        try zooFails(["train", "vae", "--data", folder.appendingPathComponent("no-such-folder").path, "--out", "x.h5"], in: folder,
                     mentioning: ["no-such-folder"], mustNotExist: ["x.h5"])
    }

    func testUnreadableCheckpoints() throws {
        try zooFails(["sample", "missing.h5", "--out", "s.png"], in: folder,
                     mentioning: ["missing.h5: no such file"], mustNotExist: ["s.png"])
        try Data("hello, not a checkpoint\n".utf8).write(to: folder.appendingPathComponent("text.h5"))
        try zooFails(["sample", "text.h5", "--out", "s.png"], in: folder,
                     mentioning: ["text.h5", "not an HDF5 file"], mustNotExist: ["s.png"])
        let whole = try Data(contentsOf: try vaeCopy())
        try whole.prefix(whole.count / 2).write(to: folder.appendingPathComponent("half.h5"))
        for verb in [["sample"], ["encode"], ["eval"], ["inspect"], ["resume"], ["decode", "--manifold", "5"], ["reconstruct"]] {
            try zooFails(verb + ["half.h5"], in: folder, mentioning: ["half.h5", "truncated"], mustNotExist: ["samples.png", "decoded.png", "reconstruction.png"])
        }
        try zooFails(["inspect", folder.path], in: folder, mentioning: ["is a directory"])
    }

    func testExistingOutputNeedsForce() throws {
        let checkpoint = try vaeCopy()
        let before = try Data(contentsOf: checkpoint)
        try zooFails(["train", "vae", "--limit", "100", "--out", "v.h5"], in: folder,
                     mentioning: ["v.h5 already holds a checkpoint of vae", "zoo resume v.h5", "--force"], usage: true)
        XCTAssertEqual(try Data(contentsOf: checkpoint), before, "the existing checkpoint was changed")
        // With --force it starts over.
        try zooOK(["train", "vae", "--limit", "100", "--set", "hidden=[8]", "--epochs", "1", "--force", "--out", "v.h5"], in: folder)
        XCTAssertEqual(try CheckpointReader.load(checkpoint.path).settings.limit, 100)
    }

    /// A checkpoint path that cannot be written is refused before any training, and a file of
    /// another kind is never replaced.
    func testCheckpointOutputIsCheckedBeforeTraining() throws {
        let train = ["train", "vae", "--limit", "100", "--set", "hidden=[8]", "--epochs", "1"]
        try zooFails(train + ["--out", "no-such-folder/x.h5"], in: folder,
                     mentioning: ["no-such-folder/x.h5: cannot write: folder", "does not exist"], mustNotExist: ["no-such-folder"], usage: true)
        #if os(Linux)
        try zooFails(train + ["--out", "/proc/x.h5"], in: folder, mentioning: ["/proc/x.h5: cannot create files in /proc"], usage: true)
        #endif
        // Names over the file system's 255 bytes, or under it but not with the temporary file's
        // suffix, are refused before the first epoch rather than at its save.
        for length in [300, 250] {
            let long = String(repeating: "n", count: length - 3) + ".h5"
            try zooFails(train + ["--out", long], in: folder, mentioning: ["\(long): the name is too long for the file system"],
                         mustNotExist: [long], usage: true)
        }
        try zooFails(train + ["--out", ""], in: folder, mentioning: ["--out must name a file"], usage: true)
        try zooFails(train + ["--out", "x.h5/"], in: folder, mentioning: ["--out must name a file, got 'x.h5/'"], mustNotExist: ["x.h5"], usage: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("d.h5"), withIntermediateDirectories: false)
        try zooFails(train + ["--out", "d.h5", "--force"], in: folder, mentioning: ["--out d.h5 is a folder"], usage: true)
        let picture = folder.appendingPathComponent("p.h5")
        try Data(PNG.signature + [0, 0, 0, 0]).write(to: picture)
        try zooFails(train + ["--out", "p.h5", "--force"], in: folder, mentioning: ["p.h5 exists and is not a readable zoo checkpoint"], usage: true)
        XCTAssertEqual(try Data(contentsOf: picture), Data(PNG.signature + [0, 0, 0, 0]))
        // Someone else's HDF5 data is not a checkpoint to start over from, even with --force.
        let data = try HDF5File.create(folder.appendingPathComponent("data.h5").path)
        try data.root.write("x", [Float](repeating: 1, count: 4))
        try data.close()
        let dataBefore = try Data(contentsOf: folder.appendingPathComponent("data.h5"))
        try zooFails(train + ["--out", "data.h5", "--force"], in: folder, mentioning: ["data.h5 exists and is not a readable zoo checkpoint"], usage: true)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("data.h5")), dataBefore)
    }

    /// A read-only checkpoint is never replaced: resume refuses before training, and a
    /// replaced checkpoint keeps its permissions.
    func testPermissionsAreKept() throws {
        let checkpoint = try vaeCopy()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: checkpoint.path)
        let before = try Data(contentsOf: checkpoint)
        try zooFails(["resume", "v.h5", "--epochs", "2"], in: folder, mentioning: ["v.h5 is read-only; not replacing it"])
        XCTAssertEqual(try Data(contentsOf: checkpoint), before)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: checkpoint.path)
        try zooOK(["resume", "v.h5", "--epochs", "2"], in: folder)
        let mode = try FileManager.default.attributesOfItem(atPath: checkpoint.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "a private checkpoint became readable by others")
    }

    /// Image verbs write PNGs only: a slip like `--out v.h5` never replaces a checkpoint.
    func testImageOutputsNeverReplaceOtherFiles() throws {
        let checkpoint = try vaeCopy()
        let before = try Data(contentsOf: checkpoint)
        try zooFails(["sample", "v.h5", "--out", "v.h5"], in: folder, mentioning: ["--out must name a .png file, got 'v.h5'"], usage: true)
        try zooFails(["reconstruct", "v.h5", "--out", "r.jpg"], in: folder, mentioning: ["--out must name a .png file"], mustNotExist: ["r.jpg"], usage: true)
        try zooFails(["inspect", "v.h5", "--plot", "v.h5"], in: folder, mentioning: ["--plot must name a .png file"], usage: true)
        try FileManager.default.copyItem(at: checkpoint, to: folder.appendingPathComponent("c.png"))
        try zooFails(["sample", "v.h5", "--out", "c.png"], in: folder, mentioning: ["--out c.png exists and is not a PNG; not replacing it"], usage: true)
        XCTAssertEqual(try Data(contentsOf: checkpoint), before)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("c.png")), before)
        // A link to a checkpoint is a checkpoint; writing to a link writes the file it names.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("latest.h5").path, withDestinationPath: "v.h5")
        try zooOK(["inspect", "latest.h5"], in: folder)
        try zooOK(["sample", "latest.h5", "-n", "4", "--out", "s.png"], in: folder)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.png").path, withDestinationPath: "s.png")
        try zooOK(["sample", "latest.h5", "-n", "9", "--out", "link.png"], in: folder)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("link.png").path), "s.png")
        let written = try PNG.decode(Array(Data(contentsOf: folder.appendingPathComponent("s.png"))))
        XCTAssertEqual([written.width, written.height], [242, 62], "the 9-image grid went to s.png, through the link")
        // --range belongs to --manifold; with --z it would be silently ignored.
        try zooFails(["decode", "v.h5", "--z", "1,2", "--range", "4"], in: folder, mentioning: ["--range sets the --manifold sweep"], usage: true)
    }

    func testWrongKindOfCheckpoint() throws {
        _ = try vaeCopy()
        try zooFails(["decode", "v.h5", "--manifold", "5", "--out", "m.png"], in: folder,
                     mentioning: ["--manifold needs a 2-D latent space", "latent size 20"], mustNotExist: ["m.png"], usage: true)
        try zooFails(["decode", "v.h5", "--out", "m.png"], in: folder,
                     mentioning: ["--z", "--manifold"], mustNotExist: ["m.png"], usage: true)
        try zooFails(["decode", "v.h5", "--z", "1,2", "--manifold", "5", "--out", "m.png"], in: folder,
                     mentioning: ["either --z or --manifold"], mustNotExist: ["m.png"], usage: true)
        try zooFails(["decode", "v.h5", "--z", "a,b", "--out", "m.png"], in: folder,
                     mentioning: ["latent vector 1 ('a,b') must be finite numbers separated by commas"], mustNotExist: ["m.png"], usage: true)
        try zooFails(["decode", "v.h5", "--z", "1,2,", "--out", "m.png"], in: folder,
                     mentioning: ["latent vector 1 ('1,2,') must be finite numbers"], mustNotExist: ["m.png"], usage: true)
        try zooFails(["decode", "v.h5", "--z", "nan,0", "--out", "m.png"], in: folder,
                     mentioning: ["latent vector 1 ('nan,0') must be finite numbers"], mustNotExist: ["m.png"], usage: true)
    }

    func testResumeOfAFinishedRun() throws {
        let checkpoint = try vaeCopy()
        let before = try Data(contentsOf: checkpoint)
        try zooFails(["resume", "v.h5"], in: folder, mentioning: ["v.h5 finished its 1 epoch", "--epochs N with N > 1"], usage: true)
        try zooFails(["resume", "v.h5", "--epochs", "1"], in: folder, mentioning: ["v.h5 has already trained 1 epoch"], usage: true)
        XCTAssertEqual(try Data(contentsOf: checkpoint), before, "a refused resume changed the checkpoint")
    }

    func testBadCountsAndThreadsOnServingVerbs() throws {
        _ = try vaeCopy()
        try zooFails(["sample", "v.h5", "--threads", "0", "--out", "s.png"], in: folder,
                     mentioning: ["--threads must be between 1 and 1024, got 0"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["sample", "v.h5", "-n", "0", "--out", "s.png"], in: folder,
                     mentioning: ["-n must be between 1 and 10000, got 0"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["sample", "v.h5", "-n", "-1", "--out", "s.png"], in: folder,
                     mentioning: ["-n must be between 1 and 10000, got -1"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["sample", "v.h5", "--nrow", "-4", "--out", "s.png"], in: folder, mentioning: ["--nrow"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["sample", "v.h5", "-n", "1000000000000", "--out", "s.png"], in: folder,
                     mentioning: ["-n must be between 1 and 10000, got 1000000000000"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["encode", "v.h5", "-n", "10001"], in: folder, mentioning: ["-n 10001: the mnist test set has 10000 images"], usage: true)
        try zooFails(["sample", "v.h5", "--threads", "100000", "--out", "s.png"], in: folder,
                     mentioning: ["--threads must be between 1 and 1024, got 100000"], mustNotExist: ["s.png"], usage: true)
        try zooFails(["encode", "v.h5", "-n", "0"], in: folder, mentioning: ["-n must be at least 1, got 0"], usage: true)
        try zooFails(["resume", "v.h5", "--epochs", "2", "--checkpoint-every", "0"], in: folder,
                     mentioning: ["--checkpoint-every must be at least 1, got 0"], usage: true)
        try zooFails(["sample", "v.h5", "--out", "no-such-folder/s.png"], in: folder,
                     mentioning: ["no-such-folder/s.png: cannot write: folder", "no-such-folder does not exist"], mustNotExist: ["no-such-folder"], usage: true)
        try zooFails(["frobnicate"], in: folder, mentioning: ["unknown command 'frobnicate'; commands: list, train, resume"], usage: true)
        try zooFails(["help", "frobnicate"], in: folder, mentioning: ["unknown command 'frobnicate'"], usage: true)
        try zooOK(["help", "sample"], in: folder)
        try zooFails(["sample"], in: folder, mentioning: ["<checkpoint>"], usage: true)
    }
}
