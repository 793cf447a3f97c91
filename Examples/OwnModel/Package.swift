// swift-tools-version: 6.0
import PackageDescription

// A package outside zoo that defines its own model plugin (`Denoising`, a denoising autoencoder)
// and gets every zoo verb for it, and for the built-in models, through `ZooCommand.run(models:)`.
let package = Package(
    name: "OwnModel",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A path dependency's identity is its folder's name, which need not be "zoo" (a clone or
        // a worktree named otherwise); `name:` fixes the name the products are looked up under.
        .package(name: "zoo", path: "../.."),
    ],
    targets: [
        // The plugin: it builds on the `Zoo` library alone, as the built-in ones under Models/ do.
        .target(name: "Denoising", dependencies: [.product(name: "Zoo", package: "zoo")]),
        // The command line: zoo's, with the plugin registered beside the built-in models.
        .executableTarget(name: "my-zoo", dependencies: [
            "Denoising",
            .product(name: "ZooCLI", package: "zoo"),
            .product(name: "ZooModels", package: "zoo"),
        ]),
    ]
)
