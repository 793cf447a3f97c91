import CFuzzerDriver
import Foundation
import FuzzSupport
import ZooModels

// Every input must load as a checkpoint or be refused with an error: a trap, a crash, a hang
// or an allocation beyond the fuzzer's memory limit is a finding. `load` reads what
// `zoo resume` reads (everything); `inspect` walks what `zoo inspect` lists.
ModelRegistry.register(builtinModels)
var (argc, argv) = FuzzInput.driverArguments()
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    FuzzInput.withFile(data, count, suffix: ".h5") { path in
        _ = try? CheckpointReader.load(path)
        _ = try? CheckpointReader.inspect(path)
    }
    return 0
})
