import CFuzzerDriver
import Foundation
import FuzzSupport
import Zoo

// Every input must read as an IDX file or be refused with an error; gzip inputs (told by their
// magic bytes, as zoo reads `train-images-idx3-ubyte.gz`) are inflated first, so the corpus
// holds both raw and gzipped files.
var (argc, argv) = FuzzInput.driverArguments()
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    FuzzInput.withFile(data, count) { path in
        _ = try? IDX.read(path: path)
    }
    return 0
})
