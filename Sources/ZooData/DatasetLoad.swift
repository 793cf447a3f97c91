// Reading a located dataset: four IDX files, checked against each other.

import Foundation
import ZooFiles

extension ImageDataset {
    /// Loads a dataset from the first place that has it: `dataDirectory` (the --data flag) if
    /// given, else $ZOO_DATA, else the embedded MNIST copy or /usr/share/datasets/<name>.
    /// Throws a `DataError` that lists every place looked at when none has it.
    public static func load(_ name: DatasetName, dataDirectory: String? = nil) throws -> ImageDataset {
        try load(name, dataDirectory: dataDirectory, environment: ProcessInfo.processInfo.environment)
    }

    static func load(_ name: DatasetName, dataDirectory: String?, environment: [String: String],
                     embeddedMNIST: String? = DatasetLocator.embeddedMNISTDirectory(),
                     systemRoot: String = DatasetLocator.systemRoot) throws -> ImageDataset {
        let files = try DatasetLocator.locate(name, dataDirectory: dataDirectory, environment: environment,
                                                   embeddedMNIST: embeddedMNIST, systemRoot: systemRoot)
        return try read(name, files).dataset
    }

    /// Reads and cross-checks the four files; also returns their parsed headers (for checksums).
    static func read(_ name: DatasetName, _ files: DatasetFiles) throws -> (dataset: ImageDataset, dims: [[Int]]) {
        let p = files.paths
        // One file at a time, each array handed straight to the dataset: the peak is one
        // compressed file plus the arrays kept.
        let trainImages = try IDX.read(path: p[0], rank: 3)
        let trainLabels = try IDX.read(path: p[1], rank: 1)
        let testImages = try IDX.read(path: p[2], rank: 3)
        let testLabels = try IDX.read(path: p[3], rank: 1)

        for (images, labels, ip, lp) in [(trainImages, trainLabels, p[0], p[1]), (testImages, testLabels, p[2], p[3])] {
            // An empty file is named as such before it is compared with anything.
            guard images.dims[0] > 0 else {
                throw DataError(.invalidDataset, "\(name.rawValue) in \(files.directory): \(ip) has no images (its header says 0 images of \(images.dims[1])x\(images.dims[2]) pixels)")
            }
            guard images.dims[1] > 0, images.dims[2] > 0 else {
                throw DataError(.invalidDataset, "\(name.rawValue) in \(files.directory): \(ip) has images of \(images.dims[1])x\(images.dims[2]) pixels, which hold no pixels")
            }
            guard images.dims[0] == labels.dims[0] else {
                throw DataError(.invalidDataset, "\(name.rawValue) in \(files.directory): \(ip) has \(images.dims[0]) images but \(lp) has \(labels.dims[0]) labels")
            }
            if let i = labels.bytes.firstIndex(where: { $0 >= 10 }) {
                throw DataError(.invalidDataset, "\(lp): label \(labels.bytes[i]) at index \(i) is not a class 0-9")
            }
        }
        guard trainImages.dims[1] == testImages.dims[1], trainImages.dims[2] == testImages.dims[2] else {
            throw DataError(.invalidDataset, "\(name.rawValue) in \(files.directory): train images are \(trainImages.dims[1])x\(trainImages.dims[2]) but test images are \(testImages.dims[1])x\(testImages.dims[2])")
        }
        let dims = [trainImages.dims, trainLabels.dims, testImages.dims, testLabels.dims]
        let dataset = try ImageDataset(
            name: name, rows: trainImages.dims[1], cols: trainImages.dims[2],
            trainImages: trainImages.bytes, trainLabels: trainLabels.bytes,
            testImages: testImages.bytes, testLabels: testLabels.bytes,
            sourceDirectory: files.directory)
        return (dataset, dims)
    }
}
