// Which files of an image folder are candidates, and their classes. Only names are looked
// at here; whether a file is an image is decided later, by its bytes.

import Foundation
import ZooFiles

struct ImageFolderListing {
    struct Candidate {
        var path: String
        var label: Int32
    }

    /// Class subfolders, sorted; empty for a flat folder.
    var classNames: [String] = []
    /// Sorted by class, then by path within the class.
    var candidates: [Candidate] = []
    /// Things that are not candidates at all (files beside the class folders, sockets, ...).
    var skipped: [ImageFolder.Skipped] = []

    /// Lists `directory`: when it has subfolders (not hidden), each is a class and its files,
    /// at any depth, are that class's images; files beside them are skipped. Otherwise its
    /// files are the images of one unlabelled set. Names starting with "." are ignored.
    static func scan(_ directory: String) throws -> ImageFolderListing {
        switch FileKind.of(directory) {
        case .directory: break
        case nil: throw DataError(.io, "\(directory): no such folder, expected a folder of images")
        default: throw DataError(.io, "\(directory): not a folder, expected a folder of images")
        }
        var listing = ImageFolderListing()
        let top = try entries(of: directory)
        let folders = top.filter { FileKind.of(join(directory, $0)) == .directory }
        if folders.isEmpty {
            for name in top { listing.add(join(directory, name), label: 0) }
            return listing
        }
        listing.classNames = folders
        for name in top where !folders.contains(name) {
            listing.skipped.append(.init(path: join(directory, name), reason: "not in a class folder (\(directory) has class subfolders)"))
        }
        for (label, name) in folders.enumerated() {
            var visited: Set<String> = []
            var files: [String] = []
            try walk(join(directory, name), into: &files, visited: &visited)
            for path in files.sorted(by: byBytes) { listing.add(path, label: Int32(label)) }
        }
        return listing
    }

    private mutating func add(_ path: String, label: Int32) {
        switch FileKind.of(path) {
        case .regular: candidates.append(Candidate(path: path, label: label))
        case .directory: break  // only in flat folders, which have none
        case .other: skipped.append(.init(path: path, reason: "not a regular file"))
        case nil: skipped.append(.init(path: path, reason: "cannot be looked at (a broken link?)"))
        }
    }

    /// Every path below `folder` that is not a folder, following links; a folder reached
    /// twice (a link loop) is walked once.
    private static func walk(_ folder: String, into paths: inout [String], visited: inout Set<String>) throws {
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return }
        for name in try entries(of: folder) {
            let path = join(folder, name)
            if FileKind.of(path) == .directory {
                try walk(path, into: &paths, visited: &visited)
            } else {
                paths.append(path)
            }
        }
    }

    /// The names in `folder` that do not start with ".", sorted by their bytes.
    private static func entries(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted(by: byBytes)
        } catch {
            throw DataError(.io, "cannot list \(folder): \((error as NSError).localizedDescription)")
        }
    }

    /// Byte order of the UTF-8 names (code point order, as Python's sorted()), the same in
    /// every locale, unlike String's comparison.
    static func byBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
