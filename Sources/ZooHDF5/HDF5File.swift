import CHDF5
import CHDF5Shim
import Foundation

/// An open HDF5 file: on disk, or built entirely in memory.
///
/// Objects opened from the file (groups, datasets) keep it open until they are released,
/// even after `close()`. The file is closed when the last reference goes away.
public final class HDF5File {
    /// The path given when opening, or the name of an in-memory file. Used in error messages.
    public let name: String
    /// The root group `/`.
    public let root: HDF5Group
    let handle: H5FileHandle

    private init(handle: H5FileHandle) throws(HDF5Error) {
        let id = try handle.location.check(H5Gopen2(handle.id, "/", zoo_h5p_default()), "cannot open root group")
        self.name = handle.name
        self.handle = handle
        self.root = HDF5Group(H5ObjectHandle(id: id, file: handle, path: "/"))
    }

    /// Whether objects may be created in the file.
    public var isWritable: Bool { handle.isWritable }

    /// Creates a file at `path`, replacing any file already there.
    public static func create(_ path: String) throws -> HDF5File {
        zoo_h5_prepare()
        let location = Location(file: path, object: nil)
        let fapl = try fileAccess(location)
        defer { H5Pclose(fapl) }
        let fcpl = try fileCreation(location)
        defer { H5Pclose(fcpl) }
        let id = try location.check(H5Fcreate(path, zoo_h5f_acc_trunc(), fcpl, fapl), "cannot create file")
        return try HDF5File(handle: H5FileHandle(id: id, name: path, isWritable: true))
    }

    /// Opens the file at `path` read-only.
    public static func open(_ path: String) throws -> HDF5File {
        zoo_h5_prepare()
        let location = Location(file: path, object: nil)
        // Checked here because HDF5's own message for it is a long errno dump.
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            throw location.error(.fileNotFound, "no such file")
        }
        if isDirectory.boolValue { throw location.error(.cannotOpenFile, "is a directory") }
        let fapl = try fileAccess(location)
        defer { H5Pclose(fapl) }
        let id = H5Fopen(path, zoo_h5f_acc_rdonly(), fapl)
        if id < 0 {
            let error = location.libraryError("cannot open file")
            let header = (try? Foundation.FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
                .flatMap { try? $0.read(upToCount: 16) } ?? Data()
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? Int.max
            throw refineOpenError(error, header: [UInt8](header), size: size)
        }
        return try HDF5File(handle: H5FileHandle(id: id, name: path, isWritable: false))
    }

    /// Creates an empty file that lives only in memory; `image()` returns a copy of its bytes,
    /// `closeWithImage` the bytes themselves. Building a checkpoint this way and writing the
    /// bytes with one write+fsync+rename is both faster and atomic. `name` is only used in
    /// error messages; `expectedSize`, a guess at the final size, saves growing the buffer.
    public static func inMemory(name: String = "<memory>", expectedSize: Int = 0) throws -> HDF5File {
        zoo_h5_prepare()
        let location = Location(file: name, object: nil)
        let fapl = try memoryAccess(location)
        defer { H5Pclose(fapl) }
        guard let owned = zoo_h5p_set_owned_image(fapl, max(0, expectedSize)) else {
            throw location.libraryError("cannot set up in-memory file")
        }
        let fcpl: hid_t
        let id: hid_t
        do {
            fcpl = try fileCreation(location)
            defer { H5Pclose(fcpl) }
            id = try location.check(
                H5Fcreate(memoryFileName(), zoo_h5f_acc_trunc(), fcpl, fapl), "cannot create in-memory file")
        } catch {
            zoo_h5_owned_image_release(owned)
            throw error
        }
        return try HDF5File(handle: H5FileHandle(id: id, name: name, isWritable: true, ownedImage: owned))
    }

    /// Opens, read-only, a file from its bytes (as returned by `image()` or read from disk).
    /// The bytes are copied once; the array may change or go away afterwards. `name` is only
    /// used in error messages.
    public static func open(image: [UInt8], name: String = "<memory>") throws -> HDF5File {
        try image.withUnsafeBytes { bytes in try open(image: bytes, name: name) }
    }

    /// Opens, read-only, a file from bytes in memory. The bytes are copied once; the buffer
    /// may be released once this returns.
    public static func open(image: UnsafeRawBufferPointer, name: String = "<memory>") throws -> HDF5File {
        zoo_h5_prepare()
        let location = Location(file: name, object: nil)
        // An empty image cannot be handed to the core driver; it is no HDF5 file either.
        guard let source = image.baseAddress, image.count > 0 else {
            throw location.error(.notHDF5, "not an HDF5 file")
        }
        // The library reads this copy in place; the file handle frees it once the file is closed.
        let copy = UnsafeMutableRawPointer.allocate(byteCount: image.count, alignment: 64)
        copy.copyMemory(from: source, byteCount: image.count)
        let id: hid_t
        do {
            let fapl = try memoryAccess(location)
            defer { H5Pclose(fapl) }
            try location.check(zoo_h5p_set_file_image_in_place(fapl, copy, image.count), "cannot use file image")
            id = H5Fopen(memoryFileName(), zoo_h5f_acc_rdonly(), fapl)
            if id < 0 {
                // Taken before the deferred H5Pclose, which would clear the error stack.
                let error = location.libraryError("cannot open file image")
                throw refineOpenError(error, header: [UInt8](UnsafeRawBufferPointer(rebasing: image.prefix(16))),
                                      size: image.count)
            }
        } catch {
            // The property list is closed by now, so nothing refers to the copy any more.
            copy.deallocate()
            throw error
        }
        return try HDF5File(handle: H5FileHandle(id: id, name: name, isWritable: false,
                                                 image: UnsafeMutableRawBufferPointer(start: copy, count: image.count)))
    }

    /// The file's complete bytes, as they would be on disk. Works for any open file, but is
    /// meant for in-memory ones.
    public func image() throws -> [UInt8] {
        zoo_h5_prepare()
        let location = handle.location
        guard handle.isOpen else { throw location.error(.notWritable, "file is closed") }
        if handle.isWritable { try location.check(H5Fflush(handle.id, H5F_SCOPE_LOCAL), "cannot flush file") }
        let size = H5Fget_file_image(handle.id, nil, 0)
        if size < 0 { throw location.libraryError("cannot get file image") }
        var failure: HDF5Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            if H5Fget_file_image(handle.id, buffer.baseAddress, size) != size {
                failure = location.libraryError("cannot get file image")
                count = 0
            } else {
                count = size
                // Only images of files open for writing have the broken checksum; recomputing
                // it for others could hide real corruption.
                if handle.isWritable { zoo_h5_fix_image_superblock(buffer.baseAddress, size) }
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Closes an in-memory file and hands its complete bytes to `body` without copying them
    /// (`image()` copies). Every group and dataset opened from the file must have been released
    /// by then, or the bytes are copied after all. The file cannot be used afterwards.
    public func closeWithImage<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        zoo_h5_prepare()
        let location = handle.location
        guard handle.isOpen else { throw location.error(.notWritable, "file is closed") }
        guard let owned = handle.ownedImage else {
            let bytes = try image()
            try close()
            return try bytes.withUnsafeBytes(body)
        }
        defer { handle.releaseOwnedImage() }  // the buffer goes back for the next file
        root.handle.close()
        // Only the file identifier itself may be left open; anything else keeps the library's
        // file (and its buffer) open past H5Fclose.
        if H5Fget_obj_count(handle.id, zoo_h5f_obj_all_local()) != 1 {
            _ = zoo_h5_take_error(nil, 0)
            let bytes = try image()
            try handle.close()
            return try bytes.withUnsafeBytes(body)
        }
        try handle.close()
        var length = 0
        guard let bytes = zoo_h5_owned_image_bytes(owned, &length) else {
            throw location.error(.library, "in-memory file has no image after closing")
        }
        return try body(UnsafeRawBufferPointer(start: bytes, count: length))
    }

    /// Writes everything buffered to the file (a no-op for read-only files).
    public func flush() throws {
        zoo_h5_prepare()
        guard handle.isOpen, handle.isWritable else { return }
        try handle.location.check(H5Fflush(handle.id, H5F_SCOPE_LOCAL), "cannot flush file")
    }

    /// Flushes and closes the file. Groups and datasets still referenced elsewhere keep the
    /// underlying file open until they are released. Calling it twice is harmless.
    public func close() throws {
        root.handle.close()
        try handle.close()
    }

    /// A file cut inside its superblock fails to open as "corrupted" (HDF5 reads zeros past
    /// the end, which fail the checksum) or with some generic error; name the real cause.
    private static func refineOpenError(_ error: HDF5Error, header: [UInt8], size: Int) -> HDF5Error {
        guard error.kind != .notHDF5, let needed = superblockSize(header), size < needed else { return error }
        return HDF5Error(kind: .truncated, file: error.file, object: error.object,
                         reason: "truncated file (\(size) bytes, cut inside the superblock)",
                         detail: error.detail)
    }

    /// The size of the superblock at the start of a file, from its first 16 bytes; nil when
    /// they do not begin one.
    private static func superblockSize(_ header: [UInt8]) -> Int? {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
        guard header.starts(with: signature) else { return nil }
        // No superblock is this short, so the signature is all there is.
        if header.count < 16 { return 16 }
        switch header[8] {
        case 0, 1:
            // Fixed fields, four addresses, and the root group's symbol table entry
            // (two addresses and 24 more bytes); version 1 adds 4 bytes.
            let offsetSize = Int(header[13])
            return 24 + 4 * offsetSize + 2 * offsetSize + 24 + (header[8] == 1 ? 4 : 0)
        case 2, 3:
            // Fixed fields, four addresses, a checksum.
            return 12 + 4 * Int(header[9]) + 4
        default:
            return nil
        }
    }

    // MARK: - Property lists

    /// File creation. The root group keeps up to 64 attributes in its object header (HDF5's
    /// default moves them to "dense" storage past 8): a checkpoint's root attributes are then
    /// covered by the header's checksum however long its strings are (up to the header's
    /// 64 KiB per message), and there is no fractal heap and name index to build and read.
    /// Like every group and dataset, the root group stores no timestamps, so the same contents
    /// give the same bytes whenever they are written.
    private static func fileCreation(_ location: Location) throws(HDF5Error) -> hid_t {
        let fcpl = try location.check(H5Pcreate(zoo_h5p_file_create()), "cannot create file creation list")
        if H5Pset_attr_phase_change(fcpl, 64, 48) < 0 || H5Pset_obj_track_times(fcpl, false) < 0 {
            let error = location.libraryError("cannot set file creation properties")
            H5Pclose(fcpl)
            throw error
        }
        return fcpl
    }

    /// File access for files on disk. Objects are written in the HDF5 1.10 format at least:
    /// it checksums all metadata, and stores a one-chunk dataset without a chunk index. HDF5
    /// 1.10 or newer (any h5py 3) reads it. Pinning the low bound (rather than "latest")
    /// keeps the bytes the same when the library is upgraded.
    private static func fileAccess(_ location: Location) throws(HDF5Error) -> hid_t {
        let fapl = try location.check(H5Pcreate(zoo_h5p_file_access()), "cannot create file access list")
        guard H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, zoo_h5f_libver_latest()) >= 0,
              // Lock files where the file system can, and carry on where it cannot (some
              // network and container file systems), as HDF5_USE_FILE_LOCKING=BEST_EFFORT does.
              H5Pset_file_locking(fapl, true, true) >= 0
        else {
            let error = location.libraryError("cannot set file access properties")
            H5Pclose(fapl)
            throw error
        }
        return fapl
    }

    /// File access for in-memory files: the core driver without a backing file.
    private static func memoryAccess(_ location: Location) throws(HDF5Error) -> hid_t {
        let fapl = try fileAccess(location)
        // Grow the buffer 1 MiB at a time: large enough to keep reallocations rare for
        // multi-megabyte checkpoints, small enough not to matter for tiny files.
        if H5Pset_fapl_core(fapl, 1 << 20, false) < 0 {
            let error = location.libraryError("cannot select in-memory driver")
            H5Pclose(fapl)
            throw error
        }
        return fapl
    }

    /// A unique name for an in-memory file. HDF5 identifies open files by name, so two
    /// in-memory files must not share one; and when opening an image the core driver checks
    /// that no real file has that name, which a path below /dev/null never is.
    private static func memoryFileName() -> String {
        "/dev/null/zoo-hdf5-memory-\(UUID().uuidString)"
    }
}
