// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for zoo's readers of untrusted files: checkpoints (HDF5) and IDX datasets
// (raw or gzip). Every module, zoo's included, is built with the coverage instrumentation
// libFuzzer steers by (Swift offers it together with a sanitizer: AddressSanitizer here), and
// the fuzz targets link libFuzzer without its main: SwiftPM gives each executable its own, which
// hands over to LLVMFuzzerRunDriver. `Fuzz/run` builds, makes seeds and runs them (see README).
let package = Package(
    name: "ZooFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` fixes the identity whatever the checkout folder is called (see Examples/).
        .package(name: "zoo", path: ".."),
    ],
    targets: [
        // libFuzzer's driver entry, declared for Swift.
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: [.product(name: "Zoo", package: "zoo")]),
        .executableTarget(name: "fuzz-checkpoint", dependencies: ["CFuzzerDriver", "FuzzSupport", .product(name: "ZooModels", package: "zoo")]),
        .executableTarget(name: "fuzz-idx", dependencies: ["CFuzzerDriver", "FuzzSupport", .product(name: "Zoo", package: "zoo")]),
    ]
)
