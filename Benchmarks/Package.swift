// swift-tools-version: 6.0
import PackageDescription
import Foundation

// SwiftPM names a path dependency after its folder, so the zoo checkout may be "zoo", "main", ...
let zoo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

// The speed benchmark: a separate package so the product itself carries no benchmark code.
// Run it through ./run (see README.md here), which builds it in release mode.
let package = Package(
    name: "zoo-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        // The C side: the machine's FMA peak (the ceiling under every GEMM) and plain dnnl_sgemm.
        .target(name: "CBench", linkerSettings: [.linkedLibrary("dnnl")]),
        .executableTarget(name: "zoo-bench", dependencies: [
            "CBench",
            .product(name: "Zoo", package: zoo),
            .product(name: "ZooModels", package: zoo),
            .product(name: "ZooMPI", package: zoo),
        ]),
    ]
)
