// swift-tools-version: 6.0
import PackageDescription
import Foundation

// Every folder under Models/ is a model plugin: one target named after the folder
// (Models/VAE -> target `VAE`), depending only on the `Zoo` library. Adding a model
// therefore needs no edit here, only its folder and one line in Sources/ZooModels/Registry.swift.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let modelPlugins: [String] = {
    let dir = packageRoot.appendingPathComponent("Models")
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return entries.filter { name in
        var isDir: ObjCBool = false
        return !name.hasPrefix(".")
            && FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &isDir)
            && isDir.boolValue
    }.sorted()
}()

let package = Package(
    name: "zoo",
    platforms: [.macOS(.v15)],
    products: [
        // The library other Swift programs import to load a checkpoint and decode or sample.
        .library(name: "Zoo", targets: ["Zoo"]),
        // The built-in model plugins (AE, VAE, GAN) and their registry.
        .library(name: "ZooModels", targets: ["ZooModels"]),
        // Data-parallel training's MPI process group (the benchmark times its collectives).
        .library(name: "ZooMPI", targets: ["ZooMPI"]),
        // The command-line verbs, reusable by packages that register their own models.
        .library(name: "ZooCLI", targets: ["ZooCLI"]),
        .executable(name: "zoo", targets: ["zoo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (installed with apt; see README).
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // LAPACK's symmetric eigensolver (dsyevd), declared in a hand-written shim: liblapack-dev has no C header.
        .systemLibrary(name: "CLAPACK", path: "Sources/CLAPACK", providers: [.apt(["liblapack-dev"])]),
        // Open MPI, for data-parallel training under mpirun (libopenmpi-dev, openmpi-bin).
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // HDF5's H5F_ACC_*, H5T_NATIVE_* and friends are C macros; this shim turns them into functions.
        .target(name: "CHDF5Shim", dependencies: ["CHDF5"], path: "Sources/CHDF5Shim"),
        // MPI's handles (MPI_COMM_WORLD, MPI_FLOAT) are macros Swift cannot import: plain C functions over them.
        .target(name: "CZooMPI", dependencies: ["CMPI"], path: "Sources/CZooMPI"),
        // Vectorized elementwise kernels and the oneDNN thread control.
        .target(name: "CZooKernels", dependencies: ["CDNNL"], path: "Sources/CZooKernels"),
        // libpng and libjpeg report errors by longjmp, which must not cross Swift frames: every
        // call into them happens in this C shim, which returns a status and a message instead.
        .target(name: "CZooImageCodecs", dependencies: ["CPNG", "CJPEG"], path: "Sources/CZooImageCodecs"),

        // Core: tensors, reverse-mode autodiff, layers, optimizers, random numbers.
        .target(name: "ZooTensor", dependencies: ["CDNNL", "CZooKernels"]),
        // Files: whole-file reads, atomic writes, gzip, MD5 and DataError, the one error type
        // of the data layers below.
        .target(name: "ZooFiles", dependencies: ["CZlib"]),
        // Images: the 8-bit image type, PNG and JPEG reading and writing, resizing, grids.
        .target(name: "ZooImages", dependencies: ["ZooFiles", "CZooImageCodecs", "CPNG", "CJPEG"]),
        // Plots: a small RGB canvas, a bitmap font, line and scatter plots.
        .target(name: "ZooPlots", dependencies: ["ZooImages"]),
        // Datasets: IDX files, MNIST and Fashion-MNIST, folders of images.
        .target(name: "ZooData", dependencies: ["ZooFiles", "ZooImages"], resources: [.copy("Resources/mnist")]),
        // Sample-quality metrics on feature matrices: Fréchet and kernel distances, precision and
        // recall, the classifier (Inception) score. GEMMs and the thread team from ZooTensor and
        // CZooKernels, eigenvalues from LAPACK.
        .target(name: "ZooMetrics", dependencies: ["ZooTensor", "CZooKernels", "CLAPACK"]),
        // NumPy's .npy files: float32 arrays in and out, for samples, codes and images from anywhere.
        .target(name: "ZooNumPy", dependencies: ["ZooFiles"]),
        // A typed Swift layer over the libhdf5 C API.
        .target(name: "ZooHDF5", dependencies: ["CHDF5", "CHDF5Shim"]),
        // The model protocol, registry, training loop and checkpoints: what a model plugin builds on.
        .target(name: "Zoo", dependencies: ["ZooTensor", "ZooFiles", "ZooImages", "ZooPlots", "ZooData", "ZooHDF5", "ZooMetrics", "ZooNumPy", "CZooKernels"]),
        // The MPI process group for `mpirun -np N zoo train` (the training loop's side is in Zoo/Distributed).
        .target(name: "ZooMPI", dependencies: ["Zoo", "CZooMPI"]),
        .target(name: "ZooModels", dependencies: modelPlugins.map { .target(name: $0) }),
        .target(name: "ZooCLI", dependencies: [
            "Zoo",
            "ZooMPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "zoo", dependencies: ["ZooCLI", "ZooModels"]),

        .testTarget(name: "ZooTensorTests", dependencies: ["ZooTensor"]),
        .testTarget(name: "ZooFilesTests", dependencies: ["ZooFiles"]),
        // The image and plot tests draw some of their pictures from MNIST.
        .testTarget(name: "ZooImagesTests", dependencies: ["ZooImages", "ZooData"]),
        .testTarget(name: "ZooPlotsTests", dependencies: ["ZooPlots", "ZooData"]),
        .testTarget(name: "ZooDataTests", dependencies: ["ZooData", "ZooImages"]),
        .testTarget(name: "ZooHDF5Tests", dependencies: ["ZooHDF5"]),
        .testTarget(name: "ZooNumPyTests", dependencies: ["ZooNumPy"]),
        // Float64 references, closed forms, and a cross-check against NumPy/SciPy (Tests/python).
        .testTarget(name: "ZooMetricsTests", dependencies: ["ZooMetrics"]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "ZooModels", "ZooCLI"]),
    ] + modelPlugins.map { .target(name: $0, dependencies: ["Zoo"], path: "Models/\($0)") }
)
