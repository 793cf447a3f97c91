import CHDF5
import CHDF5Shim

/// The attributes of a group or dataset: small named values (strings, numbers, short arrays).
///
/// Setting an attribute that exists replaces it. Strings are written as fixed-length,
/// null-padded UTF-8 sized to their bytes: they sit in the object header (or, past eight
/// attributes, in the fractal heap of the object's dense attribute storage), which the file
/// format checksums. Variable-length strings would live in HDF5's global heap, which has no
/// checksum, and libhdf5 1.10 crashes or hangs on some damaged global heaps. h5py reads the
/// fixed-length strings as `bytes`. Both kinds read, so files written by other tools (h5py
/// writes variable-length `str` by default) still load.
public struct HDF5Attributes {
    let handle: H5ObjectHandle

    init(_ handle: H5ObjectHandle) {
        self.handle = handle
    }

    // MARK: - Listing

    /// The attribute names, sorted.
    public func names() throws -> [String] {
        zoo_h5_prepare()
        // The C callback cannot capture; the names are collected through its context pointer.
        final class Names { var list: [String] = [] }
        let names = Names()
        var index: hsize_t = 0
        let status = withExtendedLifetime(names) {
            H5Aiterate2(handle.id, H5_INDEX_NAME, H5_ITER_NATIVE, &index, { _, name, _, context in
                guard let name, let context else { return -1 }
                Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(names).toOpaque())
        }
        try handle.location.check(status, "cannot list attributes")
        return names.list.sorted()
    }

    /// Whether an attribute by that name exists. Throws, rather than answering false, when
    /// the object's attributes cannot be read (a corrupted header, say).
    public func contains(_ name: String) throws -> Bool {
        try containsAttribute(name)
    }

    private func containsAttribute(_ name: String) throws(HDF5Error) -> Bool {
        zoo_h5_prepare()
        let found = H5Aexists(handle.id, name)
        if found < 0 { throw location(name).libraryError("cannot look up attribute") }
        return found > 0
    }

    /// Deletes an attribute; throws if there is none.
    public func remove(_ name: String) throws {
        zoo_h5_prepare()
        try handle.requireWritable()
        try requireExists(name)
        try location(name).check(H5Adelete(handle.id, name), "cannot delete attribute")
    }

    // MARK: - Writing

    /// Sets a string attribute: fixed-length UTF-8 of exactly its bytes (one NUL byte for
    /// the empty string), so that it is stored where a checksum covers it.
    public func set(_ name: String, _ value: String) throws {
        zoo_h5_prepare()
        let location = location(name)
        var bytes = Array(value.utf8)
        if bytes.isEmpty { bytes = [0] }  // HDF5 has no zero-size string type
        let type = try fixedStringType(size: bytes.count, location)
        defer { H5Tclose(type) }
        let space = try createDataspace([], location)
        defer { H5Sclose(space) }
        try create(name, type: type, space: space) { attribute throws(HDF5Error) in
            try location.check(H5Awrite(attribute, type, bytes), "cannot write attribute")
        }
    }

    /// Sets a scalar attribute (Int64, Double, ...).
    public func set<T: HDF5Element>(_ name: String, _ value: T) throws {
        try set(name, [value], shape: [])
    }

    /// Sets a 1-D array attribute.
    public func set<T: HDF5Element>(_ name: String, _ values: [T]) throws {
        try set(name, values, shape: [values.count])
    }

    private func set<T: HDF5Element>(_ name: String, _ values: [T], shape: [Int]) throws {
        zoo_h5_prepare()
        let location = location(name)
        let space = try createDataspace(shape, location)
        defer { H5Sclose(space) }
        try create(name, type: T.hdf5ElementType.fileType, space: space) { attribute throws(HDF5Error) in
            if values.isEmpty { return }
            let status = values.withUnsafeBytes { H5Awrite(attribute, T.hdf5ElementType.memoryType, $0.baseAddress) }
            try location.check(status, "cannot write attribute")
        }
    }

    /// Creates (replacing) the attribute and hands it to `write`.
    private func create(_ name: String, type: hid_t, space: hid_t,
                        _ write: (hid_t) throws(HDF5Error) -> Void) throws(HDF5Error) {
        try handle.requireWritable()
        let location = location(name)
        if try containsAttribute(name) { try location.check(H5Adelete(handle.id, name), "cannot replace attribute") }
        let attribute = try location.check(
            H5Acreate2(handle.id, name, type, space, zoo_h5p_default(), zoo_h5p_default()), "cannot create attribute")
        defer { H5Aclose(attribute) }
        try write(attribute)
    }

    // MARK: - Reading

    /// Reads a string attribute (variable- or fixed-length).
    public func string(_ name: String) throws -> String {
        try withAttribute(name) { attribute, type, count, location throws(HDF5Error) in
            guard H5Tget_class(type) == H5T_STRING else {
                throw location.error(.typeMismatch, "type mismatch: expected string, found \(describeStoredType(type))")
            }
            guard count == 1 else {
                throw location.error(.typeMismatch, "type mismatch: expected one string, found \(count) values")
            }
            if H5Tis_variable_str(type) > 0 {
                // Only files from other tools have these (see the type's documentation).
                let memoryType = try variableStringType(location)
                defer { H5Tclose(memoryType) }
                var pointer: UnsafeMutablePointer<CChar>?
                try location.check(H5Aread(attribute, memoryType, &pointer), "cannot read attribute")
                guard let pointer else { return "" }  // a null variable-length string
                defer { H5free_memory(pointer) }
                return String(cString: pointer)
            }
            // Fixed length: read the raw bytes as stored and drop the NUL or space padding.
            let size = H5Tget_size(type)
            var bytes = [UInt8](repeating: 0, count: size)
            try location.check(H5Aread(attribute, type, &bytes), "cannot read attribute")
            let padding: UInt8 = H5Tget_strpad(type) == H5T_STR_SPACEPAD ? 0x20 : 0
            var end = bytes.firstIndex(of: 0) ?? bytes.count
            if padding == 0x20 { while end > 0 && bytes[end - 1] == 0x20 { end -= 1 } }
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    /// Reads a scalar attribute (or a one-element array), checking its element type.
    public func scalar<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> T {
        let values = try array(name, as: T.self)
        guard values.count == 1 else {
            throw location(name).error(.typeMismatch, "type mismatch: expected one value, found \(values.count)")
        }
        return values[0]
    }

    /// Reads an array attribute (a scalar one gives one element), checking its element type.
    public func array<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        try withAttribute(name) { attribute, type, count, location throws(HDF5Error) in
            guard HDF5ElementType(storedType: type) == T.hdf5ElementType else {
                throw location.error(.typeMismatch, "type mismatch: expected \(T.hdf5ElementType.rawValue), "
                                     + "found \(describeStoredType(type))")
            }
            var values = [T]()
            if count == 0 { return values }
            var failure: HDF5Error?
            values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                if H5Aread(attribute, T.hdf5ElementType.memoryType, buffer.baseAddress) < 0 {
                    failure = location.libraryError("cannot read attribute")
                    initialized = 0
                } else {
                    initialized = count
                }
            }
            if let failure { throw failure }
            return values
        }
    }

    /// Reads an Int64 attribute.
    public func int64(_ name: String) throws -> Int64 { try scalar(name, as: Int64.self) }

    /// Reads a Double attribute.
    public func double(_ name: String) throws -> Double { try scalar(name, as: Double.self) }

    // MARK: - Helpers

    private func location(_ name: String) -> Location {
        Location(file: handle.file.name, object: handle.path + "@" + name)
    }

    private func requireExists(_ name: String) throws(HDF5Error) {
        if try !containsAttribute(name) { throw location(name).error(.notFound, "no such attribute") }
    }

    /// Opens the attribute and hands its id, stored type and element count to `body`.
    private func withAttribute<R>(
        _ name: String, _ body: (hid_t, hid_t, Int, Location) throws(HDF5Error) -> R
    ) throws(HDF5Error) -> R {
        zoo_h5_prepare()
        let location = location(name)
        try requireExists(name)
        let attribute = try location.check(H5Aopen(handle.id, name, zoo_h5p_default()), "cannot open attribute")
        defer { H5Aclose(attribute) }
        let type = try location.check(H5Aget_type(attribute), "cannot read attribute type")
        defer { H5Tclose(type) }
        let space = try location.check(H5Aget_space(attribute), "cannot read attribute dataspace")
        defer { H5Sclose(space) }
        let count = H5Sget_simple_extent_npoints(space)
        if count < 0 { throw location.libraryError("cannot read attribute dataspace") }
        return try body(attribute, type, Int(count), location)
    }
}

/// A variable-length UTF-8 string type, for reading. The caller closes it.
func variableStringType(_ location: Location) throws(HDF5Error) -> hid_t {
    try stringType(size: zoo_h5t_variable(), padding: H5T_STR_NULLTERM, location)
}

/// A fixed-length, null-padded UTF-8 string type of `size` bytes. The caller closes it.
func fixedStringType(size: Int, _ location: Location) throws(HDF5Error) -> hid_t {
    try stringType(size: size, padding: H5T_STR_NULLPAD, location)
}

private func stringType(size: Int, padding: H5T_str_t, _ location: Location) throws(HDF5Error) -> hid_t {
    let type = try location.check(H5Tcopy(zoo_h5t_c_s1()), "cannot create string type")
    if H5Tset_size(type, size) < 0 || H5Tset_strpad(type, padding) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0 {
        let error = location.libraryError("cannot create string type")  // before H5Tclose clears the stack
        H5Tclose(type)
        throw error
    }
    return type
}
