import CHDF5
import CHDF5Shim

/// An open dataset: an N-d array of one element type, with attributes.
public final class HDF5Dataset {
    let handle: H5ObjectHandle
    /// The dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// The stored element type, or nil when it is not one `HDF5ElementType` covers.
    public let elementType: HDF5ElementType?
    /// The stored type in words ("float32", "int16", "string", ...), for messages.
    public let storedTypeDescription: String
    /// The data size when the dataset can be read as one raw checksummed chunk. Worked out
    /// at the first read: a dataset just written is usually never read.
    private lazy var singleChunkBytes: Int? = {
        guard let elementType else { return nil }
        zoo_h5_prepare()
        defer { _ = zoo_h5_take_error(nil, 0) }  // failed probes only mean "not eligible"
        let type = H5Dget_type(handle.id)
        guard type >= 0 else { return nil }
        defer { H5Tclose(type) }
        return singleChecksummedChunkBytes(handle.id, shape: shape, type: type, memoryType: elementType.memoryType)
    }()
    /// Off only in tests, to have libhdf5's own filter verify what the fast path wrote.
    var allowsRawChunkReads = true

    init(_ handle: H5ObjectHandle) throws(HDF5Error) {
        let location = handle.location
        let space = try location.check(H5Dget_space(handle.id), "cannot read dataspace")
        defer { H5Sclose(space) }
        let type = try location.check(H5Dget_type(handle.id), "cannot read datatype")
        defer { H5Tclose(type) }
        let shape = try dataspaceShape(space, location)
        let elementType = HDF5ElementType(storedType: type)
        self.handle = handle
        self.shape = shape
        self.elementType = elementType
        self.storedTypeDescription = describeStoredType(type)
    }

    /// The dataset's path in the file.
    public var path: String { handle.path }

    /// The number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// The dataset's attributes.
    public var attributes: HDF5Attributes { HDF5Attributes(handle) }

    /// The bytes the data takes in the file (after compression, with checksums).
    public var storedBytes: Int {
        zoo_h5_prepare()
        return Int(H5Dget_storage_size(handle.id))
    }

    /// Whether the stored chunks carry a Fletcher-32 checksum.
    public var hasChecksum: Bool {
        zoo_h5_prepare()
        let dcpl = H5Dget_create_plist(handle.id)
        guard dcpl >= 0 else {
            _ = zoo_h5_take_error(nil, 0)
            return false
        }
        defer { H5Pclose(dcpl) }
        var flags: UInt32 = 0
        var elements = 0
        let found = H5Pget_filter_by_id2(dcpl, zoo_h5z_filter_fletcher32(), &flags, &elements, nil, 0, nil, nil)
        _ = zoo_h5_take_error(nil, 0)  // "not found" is an answer here, not an error
        return found >= 0
    }

    /// Reads all elements, row-major, checking that the dataset stores `T`'s element type.
    public func read<T: HDF5Element>(as type: T.Type = T.self) throws -> [T] {
        try checkType(T.self)
        if let dataBytes = singleChunkBytes, allowsRawChunkReads {
            // Read the raw chunk straight into the array, with room for the checksum after it.
            let checksumElements = (4 + MemoryLayout<T>.stride - 1) / MemoryLayout<T>.stride
            var verified = false
            let values = [T](unsafeUninitializedCapacity: count + checksumElements) { buffer, initialized in
                verified = readSingleChecksummedChunk(handle.id, rank: shape.count, dataBytes: dataBytes,
                                                      into: UnsafeMutableRawPointer(buffer.baseAddress!))
                initialized = verified ? count : 0
            }
            if verified { return values }
        }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readUnchecked(into: buffer)
            initialized = buffer.count
        }
    }

    /// Reads all elements into `buffer` (a tensor's storage, say), which must hold exactly
    /// `count` of them.
    public func read<T: HDF5Element>(into buffer: UnsafeMutableBufferPointer<T>) throws {
        try checkType(T.self)
        if buffer.count != count {
            throw handle.location.error(.invalidArgument,
                                        "buffer holds \(buffer.count) values, dataset has \(count)")
        }
        try readUnchecked(into: buffer)
    }

    private func checkType<T: HDF5Element>(_ type: T.Type) throws(HDF5Error) {
        if elementType != T.hdf5ElementType {
            throw handle.location.error(
                .typeMismatch, "type mismatch: expected \(T.hdf5ElementType.rawValue), found \(storedTypeDescription)")
        }
    }

    private func readUnchecked<T: HDF5Element>(into buffer: UnsafeMutableBufferPointer<T>) throws(HDF5Error) {
        zoo_h5_prepare()
        guard count > 0, let base = buffer.baseAddress else { return }
        if let dataBytes = singleChunkBytes, allowsRawChunkReads {
            // Straight into the caller's buffer where the file's bytes can be reached.
            if readSingleChecksummedChunkDirectly(handle.id, rank: shape.count, dataBytes: dataBytes,
                                                  file: handle.file, into: UnsafeMutableRawPointer(base)) {
                return
            }
            let verified = try handle.file.withScratch(dataBytes + 4) { scratch in
                guard readSingleChecksummedChunk(handle.id, rank: shape.count, dataBytes: dataBytes, into: scratch)
                else { return false }
                UnsafeMutableRawPointer(base).copyMemory(from: scratch, byteCount: dataBytes)
                return true
            }
            if verified { return }
        }
        try handle.location.check(
            H5Dread(handle.id, T.hdf5ElementType.memoryType, zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), base),
            "cannot read dataset")
    }
}
