import CHDF5
import CHDF5Shim

/// What an object in a group is.
public enum HDF5ObjectKind: Sendable, Equatable {
    case group
    case dataset
    /// A named datatype, or anything else that is neither a group nor a dataset.
    case other
}

/// A group: a folder of groups and datasets. A file's root is a group.
///
/// Paths may be nested (`weights/encoder`) and absolute (`/weights`); relative ones start at
/// this group.
public final class HDF5Group {
    let handle: H5ObjectHandle

    init(_ handle: H5ObjectHandle) {
        self.handle = handle
    }

    /// The group's path in the file, e.g. `/weights`.
    public var path: String { handle.path }

    /// The group's attributes.
    public var attributes: HDF5Attributes { HDF5Attributes(handle) }

    // MARK: - Groups

    /// Creates a group, and any missing groups on the way to it. Throws if it exists.
    public func createGroup(_ path: String) throws -> HDF5Group {
        zoo_h5_prepare()
        try handle.requireWritable()
        let location = handle.location.child(path)
        try requireName(path, location)
        if try lookUp(path) != nil { throw location.error(.alreadyExists, "already exists") }
        try createParents(of: path)
        let id = try createGroupID(path, location)
        return HDF5Group(H5ObjectHandle(id: id, file: handle.file, path: location.object!))
    }

    private func createGroupID(_ path: String, _ location: Location) throws(HDF5Error) -> hid_t {
        let gcpl = try location.check(H5Pcreate(zoo_h5p_group_create()), "cannot create group properties")
        defer { H5Pclose(gcpl) }
        // Without timestamps, the same content gives the same file bytes.
        try location.check(H5Pset_obj_track_times(gcpl, false), "cannot set group properties")
        return try location.check(
            H5Gcreate2(handle.id, path, zoo_h5p_default(), gcpl, zoo_h5p_default()), "cannot create group")
    }

    /// A new object needs a name: a path of only slashes (or nothing) names an existing group.
    private func requireName(_ path: String, _ location: Location) throws(HDF5Error) {
        if pathPrefixes(path).isEmpty { throw location.error(.invalidArgument, "no name given for the new object") }
    }

    /// Creates the missing groups on the way to `path` (not `path` itself). HDF5 can do this
    /// by itself, but would give those groups timestamps.
    private func createParents(of path: String) throws(HDF5Error) {
        for prefix in pathPrefixes(path).dropLast() {
            let location = handle.location.child(prefix)
            switch try lookUp(prefix) {
            case .group: continue
            case nil: H5Gclose(try createGroupID(prefix, location))
            case .dataset, .other: throw location.error(.typeMismatch, "is not a group")
            }
        }
    }

    /// Opens an existing group.
    public func openGroup(_ path: String) throws -> HDF5Group {
        let location = handle.location.child(path)
        guard let (id, kind) = try openObject(path) else { throw location.error(.notFound, "no such group") }
        guard kind == .group else {
            H5Oclose(id)
            throw location.error(.typeMismatch, kind == .dataset ? "is a dataset, not a group" : "is not a group")
        }
        return HDF5Group(H5ObjectHandle(id: id, file: handle.file, path: location.object!))
    }

    /// Opens the group if it exists, else creates it (with any missing parents).
    public func openOrCreateGroup(_ path: String) throws -> HDF5Group {
        try exists(path) ? try openGroup(path) : try createGroup(path)
    }

    // MARK: - Lookup

    /// Whether an object exists at `path`: false when some link on the way is absent, or a
    /// link on the way names a dataset rather than a group. Throws when the file cannot say,
    /// because an object on the way exists but cannot be read (a corrupted header, say).
    public func exists(_ path: String) throws -> Bool {
        try lookUp(path) != nil
    }

    /// What the object at `path` is, or nil if there is none (see `exists`). Throws, rather
    /// than answering nil, when a link is there but its object cannot be opened or the group
    /// holding it cannot be read: corruption must not pass for a missing member.
    public func kind(of path: String) throws -> HDF5ObjectKind? {
        try lookUp(path)
    }

    private func lookUp(_ path: String) throws(HDF5Error) -> HDF5ObjectKind? {
        // The usual case, an object that is there and readable, in one call; any failure is
        // looked into link by link.
        if handle.isOpen {
            zoo_h5_prepare()
            var info = H5O_info_t()
            if H5Oget_info_by_name2(handle.id, normalized(path), &info, UInt32(H5O_INFO_BASIC), zoo_h5p_default()) >= 0 {
                return objectKind(info.type)
            }
            _ = zoo_h5_take_error(nil, 0)
        }
        return try resolve(path) { target, location throws(HDF5Error) in try existingKind(target, location) }
    }

    /// Opens the object at `path` and says what it is; nil if there is none (see `exists`).
    /// The caller closes the identifier.
    private func openObject(_ path: String) throws(HDF5Error) -> (id: hid_t, kind: HDF5ObjectKind)? {
        if handle.isOpen {
            zoo_h5_prepare()
            let id = H5Oopen(handle.id, normalized(path), zoo_h5p_default())
            if id >= 0 { return (id, objectKind(id)) }
            _ = zoo_h5_take_error(nil, 0)
        }
        return try resolve(path) { target, location throws(HDF5Error) in try openExisting(target, location) }
    }

    /// `path` as the library is given it: the group itself for an empty one.
    private func normalized(_ path: String) -> String {
        pathPrefixes(path).last ?? (path.hasPrefix("/") ? "/" : ".")
    }

    private func objectKind(_ type: H5O_type_t) -> HDF5ObjectKind {
        switch type {
        case H5O_TYPE_GROUP: return .group
        case H5O_TYPE_DATASET: return .dataset
        default: return .other
        }
    }

    private func objectKind(_ id: hid_t) -> HDF5ObjectKind {
        switch H5Iget_type(id) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Checks the links on the way to `path` and hands the last one to `final`; nil when a
    /// link is absent or one on the way is not a group.
    private func resolve<T>(_ path: String,
                            _ final: (String, Location) throws(HDF5Error) -> T?) throws(HDF5Error) -> T? {
        zoo_h5_prepare()
        guard handle.isOpen else { throw handle.location.error(.notWritable, "file is closed") }
        // H5Lexists fails, rather than answering false, when a parent is missing, so the path
        // is checked one link at a time; each parent is known to be a group before its
        // children are looked up, so a failure there is the file's, not the path's.
        let prefixes = pathPrefixes(path)
        for (index, prefix) in prefixes.enumerated() {
            let location = handle.location.child(prefix)
            let found = H5Lexists(handle.id, prefix, zoo_h5p_default())
            if found < 0 { throw corruption(location.libraryError("cannot look up"), "cannot look up", location) }
            if found == 0 { return nil }
            if index < prefixes.count - 1, try existingKind(prefix, location) != .group { return nil }
        }
        let target = normalized(path)
        return try final(target, handle.location.child(target))
    }

    /// What the object a link that exists names is, from its header (which is read, and so
    /// checked, but not opened as an identifier): nil only for a dangling soft or external
    /// link, an error for an object that is there but cannot be read.
    private func existingKind(_ path: String, _ location: Location) throws(HDF5Error) -> HDF5ObjectKind? {
        var info = H5O_info_t()
        if H5Oget_info_by_name2(handle.id, path, &info, UInt32(H5O_INFO_BASIC), zoo_h5p_default()) < 0 {
            try failedToReach(path, location.libraryError("cannot read object"), "cannot read object", location)
            return nil
        }
        return objectKind(info.type)
    }

    /// Opens the object a link that exists names (see `existingKind`).
    private func openExisting(_ path: String, _ location: Location) throws(HDF5Error) -> (id: hid_t, kind: HDF5ObjectKind)? {
        let id = H5Oopen(handle.id, path, zoo_h5p_default())
        if id < 0 {
            try failedToReach(path, location.libraryError("cannot open object"), "cannot open object", location)
            return nil
        }
        return (id, objectKind(id))
    }

    /// After failing to read the object a link names: returns for a dangling link (a soft or
    /// external one whose target is missing: nothing is there), throws otherwise. A hard link
    /// always names an object.
    private func failedToReach(_ path: String, _ error: HDF5Error, _ action: String,
                               _ location: Location) throws(HDF5Error) {
        var info = H5L_info_t()
        let dangling = error.kind != .corrupted && error.kind != .truncated
            && H5Lget_info(handle.id, path, &info, zoo_h5p_default()) >= 0
            && (info.type == H5L_TYPE_SOFT || info.type == H5L_TYPE_EXTERNAL)
        _ = zoo_h5_take_error(nil, 0)
        if !dangling { throw corruption(error, action, location) }
    }

    /// A failure to read what the file says is there. The library does not always name a
    /// checksum (an address or a size may point at nonsense), but with the path checked one
    /// group at a time, nothing but a damaged file explains it.
    private func corruption(_ error: HDF5Error, _ action: String, _ location: Location) -> HDF5Error {
        if error.kind == .corrupted || error.kind == .truncated { return error }
        let detail = error.detail.map { $0.isEmpty ? "" : ": " + $0 } ?? ""
        return location.error(.corrupted, "\(action) (file corrupted\(detail))", detail: error.detail)
    }

    /// The names of the group's direct children (groups, datasets and anything else), sorted.
    public func children() throws -> [String] {
        zoo_h5_prepare()
        // The C callback cannot capture; the names are collected through its context pointer.
        final class Names { var list: [String] = [] }
        let names = Names()
        var index: hsize_t = 0
        // Native order, sorted below: for a group with many links (dense storage) any other
        // order makes libhdf5 1.10 build a table of them first, and a damaged link in the
        // file then crashes it while it frees that table (found by Fuzz/run).
        let status = withExtendedLifetime(names) {
            H5Literate(handle.id, H5_INDEX_NAME, H5_ITER_NATIVE, &index, { _, name, _, context in
                guard let name, let context else { return -1 }
                Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(names).toOpaque())
        }
        try handle.location.check(status, "cannot list group")
        return names.list.sorted()
    }

    /// The names of the child groups, sorted.
    public func groupNames() throws -> [String] {
        try children().filter { try lookUp($0) == .group }
    }

    /// The names of the child datasets, sorted.
    public func datasetNames() throws -> [String] {
        try children().filter { try lookUp($0) == .dataset }
    }

    // MARK: - Datasets

    /// Opens an existing dataset.
    public func openDataset(_ path: String) throws -> HDF5Dataset {
        let location = handle.location.child(path)
        guard let (id, kind) = try openObject(path) else { throw location.error(.notFound, "no such dataset") }
        guard kind == .dataset else {
            H5Oclose(id)
            throw location.error(.typeMismatch, kind == .group ? "is a group, not a dataset" : "is not a dataset")
        }
        return try HDF5Dataset(H5ObjectHandle(id: id, file: handle.file, path: location.object!))
    }

    /// Reads a whole dataset, checking that it stores `T`'s element type.
    public func read<T: HDF5Element>(_ path: String, as type: T.Type = T.self) throws -> HDF5Array<T> {
        let dataset = try openDataset(path)
        return HDF5Array(values: try dataset.read(as: T.self), shape: dataset.shape)
    }

    /// Writes `values` (row-major, `shape.reduce(1, *)` of them) as a new dataset at `path`,
    /// creating missing parent groups. Shape `[]` writes a scalar.
    @discardableResult
    public func write<T: HDF5Element>(_ path: String, _ values: [T], shape: [Int],
                                      options: HDF5WriteOptions = .default) throws -> HDF5Dataset {
        try values.withUnsafeBufferPointer { try write(path, $0, shape: shape, options: options) }
    }

    /// Writes a 1-D dataset.
    @discardableResult
    public func write<T: HDF5Element>(_ path: String, _ values: [T],
                                      options: HDF5WriteOptions = .default) throws -> HDF5Dataset {
        try write(path, values, shape: [values.count], options: options)
    }

    /// Writes a scalar dataset (shape `[]`).
    @discardableResult
    public func write<T: HDF5Element>(_ path: String, scalar value: T,
                                      options: HDF5WriteOptions = .default) throws -> HDF5Dataset {
        try write(path, [value], shape: [], options: options)
    }

    /// Writes elements straight from memory (a tensor's storage, say) without copying them
    /// into an array first.
    @discardableResult
    public func write<T: HDF5Element>(_ path: String, _ values: UnsafeBufferPointer<T>, shape: [Int],
                                      options: HDF5WriteOptions = .default) throws -> HDF5Dataset {
        zoo_h5_prepare()
        try handle.requireWritable()
        let location = handle.location.child(path)
        let count = try elementCount(shape, location)
        if count != values.count {
            throw location.error(.invalidArgument, "shape \(shape) needs \(count) values, got \(values.count)")
        }
        try requireName(path, location)
        if try lookUp(path) != nil { throw location.error(.alreadyExists, "already exists") }
        try createParents(of: path)
        let id = try createDataset(path, T.hdf5ElementType, shape: shape, options: options, location)
        // The object owns the identifier from here on, and closes it on every path out.
        let object = H5ObjectHandle(id: id, file: handle.file, path: location.object!)
        do throws(HDF5Error) {
            if canWriteSingleChecksummedChunk(shape: shape, elementSize: T.hdf5ElementType.size, options: options) {
                try writeSingleChecksummedChunk(id, UnsafeRawBufferPointer(values), rank: shape.count,
                                                file: handle.file, location)
            } else if count > 0, let base = values.baseAddress {
                try location.check(
                    H5Dwrite(id, T.hdf5ElementType.memoryType, zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), base),
                    "cannot write dataset")
            }
        } catch {
            // Leave no half-written dataset behind, so the caller can try again.
            object.close()
            _ = H5Ldelete(handle.id, path, zoo_h5p_default())
            _ = zoo_h5_take_error(nil, 0)
            throw error
        }
        // Opened only now: what it learns about the storage needs the data in place.
        return try HDF5Dataset(object)
    }

    private func createDataset(_ path: String, _ type: HDF5ElementType, shape: [Int], options: HDF5WriteOptions,
                               _ location: Location) throws(HDF5Error) -> hid_t {
        let space = try createDataspace(shape, location)
        defer { H5Sclose(space) }
        let dcpl = try options.datasetCreation(type: type, shape: shape, location)
        defer { H5Pclose(dcpl) }
        return try location.check(
            H5Dcreate2(handle.id, path, type.fileType, space, zoo_h5p_default(), dcpl, zoo_h5p_default()), "cannot create dataset")
    }
}

/// A dataset's elements with its shape.
public struct HDF5Array<Element: HDF5Element>: Sendable {
    /// The elements in row-major order.
    public var values: [Element]
    /// The dimensions; `[]` for a scalar.
    public var shape: [Int]

    public init(values: [Element], shape: [Int]) {
        self.values = values
        self.shape = shape
    }
}

extension HDF5Array: Equatable where Element: Equatable {}

/// The paths of each link on the way to `path`, itself included: `a/b/c` gives `a`, `a/b`,
/// `a/b/c`; an absolute path gives absolute prefixes.
func pathPrefixes(_ path: String) -> [String] {
    var prefixes: [String] = []
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        prefix += component
        prefixes.append(prefix)
    }
    return prefixes
}
