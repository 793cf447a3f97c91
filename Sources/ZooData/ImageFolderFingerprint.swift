// What an image folder holds, in one string that changes when any file of it is added,
// removed, renamed, resized or rewritten: the key under which its decoded images are cached.

import Foundation
import ZooFiles

extension ImageFolder {
    /// The MD5 of every listed file's path, size and modification time (to the nanosecond),
    /// in the listing's order. Only the folder's entries are looked at (stat), nothing is read.
    public static func fingerprint(_ directory: String) throws -> String {
        let listing = try ImageFolderListing.scan(directory)
        var digest = MD5()
        digest.update(Array("classes \(listing.classNames)\n".utf8))
        // Paths as seen from the folder, so that "shapes" and "/home/me/shapes" agree.
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for path in listing.candidates.map(\.path) + listing.skipped.map(\.path) {
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
            var info = stat()
            let described = stat(path, &info) == 0
                ? "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
                : "unreadable"
            digest.update(Array("\(relative)\t\(described)\n".utf8))
        }
        return digest.hexDigest()
    }
}
