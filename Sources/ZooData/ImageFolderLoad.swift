// Decoding an image folder. Files are decoded on several threads, but each result goes to
// the slot of its file and the slots are read in order afterwards, so the dataset is the
// same byte for byte whatever the thread count or the scheduling.

import Foundation
import ZooFiles
import ZooImages

extension ImageFolder {
    /// Reads every image under `directory` (see `ImageFolderListing.scan` for the layout):
    /// decodes it, scales its shorter side to `side` (area filter when shrinking, bilinear
    /// when enlarging), crops the middle side x side, and converts it to `channels` (1 or 3;
    /// nil: 3 when any image has color, else 1). Files that are not PNG or JPEG by their first
    /// bytes, or that fail to decode, are skipped and listed in `skipped`; a folder with no
    /// usable image at all is an error.
    ///
    /// `progress(done, total)` is called after each file, from the decoding threads but one
    /// call at a time, with `done` rising to `total`; keep it quick.
    public static func load(_ directory: String, side: Int, channels: Int? = nil,
                            threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                            limits: ImageLimits = .standard,
                            progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> ImageFolder {
        precondition(side > 0, "ImageFolder: side \(side)")
        precondition(channels == nil || channels == 1 || channels == 3, "ImageFolder: channels must be 1 or 3")
        let listing = try ImageFolderListing.scan(directory)
        let candidates = listing.candidates
        let results = decodeAll(candidates.map(\.path), side: side, threads: max(1, threads), limits: limits, progress: progress)

        var skipped = listing.skipped
        var kept: [(index: Int, image: PixelImage)] = []
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let image): kept.append((i, image))
            case .failure(let failure): skipped.append(failure.skipped)
            }
        }
        skipped.sort { ImageFolderListing.byBytes($0.path, $1.path) }
        guard !kept.isEmpty else {
            let first = skipped.first.map { "; first \($0.path): \($0.reason)" } ?? ""
            throw DataError(.noImages, "\(directory): no usable PNG or JPEG images (\(skipped.count) file\(skipped.count == 1 ? "" : "s") skipped\(first))")
        }
        let outChannels = channels ?? (kept.contains { $0.image.channels == 3 } ? 3 : 1)
        let plane = side * side, size = plane * outChannels
        var images = [UInt8](repeating: 0, count: kept.count * size)
        images.withUnsafeMutableBufferPointer { out in
            for (n, entry) in kept.enumerated() {
                // Interleaved samples (RGBRGB...) to planes (RR..GG..BB..).
                let image = entry.image.converted(toChannels: outChannels)
                image.pixels.withUnsafeBufferPointer { pixels in
                    for c in 0 ..< outChannels {
                        let target = n * size + c * plane
                        for p in 0 ..< plane { out[target + p] = pixels[p * outChannels + c] }
                    }
                }
            }
        }
        return ImageFolder(directory: directory, side: side, channels: outChannels, images: images,
                           labels: kept.map { candidates[$0.index].label }, classNames: listing.classNames,
                           files: kept.map { candidates[$0.index].path }, skipped: skipped)
    }

    /// Why a file was skipped, as an Error so that results can be `Result`s.
    struct FileFailure: Error {
        var skipped: Skipped
    }

    /// Each file decoded and fitted to side x side in its own channels, or why not; in the
    /// order of `paths`.
    static func decodeAll(_ paths: [String], side: Int, threads: Int, limits: ImageLimits,
                          progress: (@Sendable (Int, Int) -> Void)?) -> [Result<PixelImage, FileFailure>] {
        let work = DecodeWork(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: min(threads, max(paths.count, 1))) { _ in
            while let i = work.take() {
                work.finish(i, decodeOne(paths[i], side: side, limits: limits), progress: progress)
            }
        }
        return work.results()
    }

    /// The shared state of the decoding threads: the next file to take, how many are done, and
    /// one result slot per file. Unchecked Sendable because the lock guards the counters and
    /// the slots, and `results` is read only after concurrentPerform has returned.
    final class DecodeWork: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0, done = 0
        private var slots: [Result<PixelImage, FileFailure>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        /// The next file to decode, or nil when all are taken.
        func take() -> Int? {
            lock.withLock {
                guard next < slots.count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        func finish(_ i: Int, _ result: Result<PixelImage, FileFailure>, progress: (@Sendable (Int, Int) -> Void)?) {
            lock.withLock {
                slots[i] = result
                done += 1
                progress?(done, slots.count)
            }
        }

        func results() -> [Result<PixelImage, FileFailure>] { lock.withLock { slots.map { $0! } } }
    }

    /// One file: its first bytes must say PNG or JPEG before the rest is read.
    static func decodeOne(_ path: String, side: Int, limits: ImageLimits) -> Result<PixelImage, FileFailure> {
        func failure(_ reason: String) -> Result<PixelImage, FileFailure> {
            .failure(FileFailure(skipped: Skipped(path: path, reason: reason)))
        }
        do {
            let head = try FileIO.read(path, limit: ImageFormat.sniffLength)
            if head.isEmpty { return failure("empty file") }
            guard ImageFormat.sniff(head) != nil else {
                return failure("not a PNG or JPEG image (\(ImageFormat.describe(head)))")
            }
            let image = try ImageFile.read(path: path, limits: limits)
            // Scaling the shorter side to `side` makes the longer one side·long/short: a thin strip
            // would become an image of gigabytes before its middle square is cut out.
            let (short, long) = (min(image.width, image.height), max(image.width, image.height))
            guard Double(side) * Double(side) * Double(long) / Double(short) <= Double(limits.maxPixels) else {
                return failure("\(image.width)x\(image.height) is too elongated to scale its shorter side to \(side) pixels")
            }
            return .success(image.resizedShorterSide(to: side).centerCropped(width: side, height: side))
        } catch let error as DataError {
            // The messages start with the path; the skipped entry names it already.
            let prefix = "\(path): "
            return failure(error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message)
        } catch {
            return failure("\(error)")
        }
    }
}
