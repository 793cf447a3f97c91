// swift-tools-version: 6.0
import PackageDescription

// A program outside zoo that loads a zoo checkpoint through the `Zoo` library: what another
// Swift package needs to serve a trained model.
let package = Package(
    name: "SampleDigits",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A path dependency's identity is its folder's name, which need not be "zoo" (a clone or
        // a worktree named otherwise); `name:` fixes the name the products are looked up under.
        .package(name: "zoo", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "sample-digits",
            dependencies: [
                .product(name: "Zoo", package: "zoo"),
                .product(name: "ZooModels", package: "zoo"),
            ]
        ),
    ]
)
