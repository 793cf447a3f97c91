// What `zoo data FOLDER` shows about a folder of images before anything trains on it.

import ZooFiles
import ZooImages

/// A folder's classes with their image counts, the sizes and colours of its images as stored,
/// and the files that are not usable images (each with its reason).
public struct ImageFolderSurvey: Sendable {
    public let directory: String
    /// Class subfolders, sorted; empty for a flat (unlabelled) folder.
    public let classNames: [String]
    /// Usable images per class (one entry, for all, in a flat folder).
    public let counts: [Int]
    public let smallest: (width: Int, height: Int)
    public let largest: (width: Int, height: Int)
    /// How many usable images have colour (the rest are gray).
    public let colourImages: Int
    public let skipped: [ImageFolder.Skipped]

    public var imageCount: Int { counts.reduce(0, +) }
}

extension ImageFolder {
    /// Decodes every candidate file of `directory` once, to count and measure the usable ones.
    public static func survey(_ directory: String, limits: ImageLimits = .standard) throws -> ImageFolderSurvey {
        let listing = try ImageFolderListing.scan(directory)
        var counts = [Int](repeating: 0, count: max(listing.classNames.count, 1))
        var skipped = listing.skipped
        var smallest: (width: Int, height: Int)?, largest = (width: 0, height: 0), colour = 0
        for candidate in listing.candidates {
            do {
                let image = try ImageFile.read(path: candidate.path, limits: limits)
                counts[Int(candidate.label)] += 1
                if smallest.map({ image.width * image.height < $0.width * $0.height }) ?? true { smallest = (image.width, image.height) }
                if image.width * image.height > largest.width * largest.height { largest = (image.width, image.height) }
                if image.channels == 3 { colour += 1 }
            } catch {
                let message = "\(error)", prefix = candidate.path + ": "  // the reason, without the path again
                skipped.append(Skipped(path: candidate.path, reason: message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message))
            }
        }
        guard let smallest else {
            throw DataError(.noImages, "\(directory): no usable PNG or JPEG images (\(skipped.count) file\(skipped.count == 1 ? "" : "s") skipped)")
        }
        return ImageFolderSurvey(directory: directory, classNames: listing.classNames, counts: counts, smallest: smallest,
                                 largest: largest, colourImages: colour, skipped: skipped)
    }
}
