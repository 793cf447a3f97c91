import CHDF5
import CHDF5Shim

/// Owns an open file identifier. Groups and datasets hold a reference to it, so the file
/// outlives every object opened from it.
final class H5FileHandle {
    let id: hid_t
    let name: String
    let isWritable: Bool
    private(set) var isOpen = true

    /// The memory an in-memory image was opened from, which the library reads in place.
    private let image: UnsafeMutableRawPointer?
    private let imageSize: Int
    /// For an in-memory file being written: the buffer the library builds it in.
    private(set) var ownedImage: OpaquePointer?

    init(id: hid_t, name: String, isWritable: Bool, image: UnsafeMutableRawBufferPointer? = nil,
         ownedImage: OpaquePointer? = nil) {
        self.id = id
        self.name = name
        self.isWritable = isWritable
        self.image = image?.baseAddress
        self.imageSize = image?.count ?? 0
        self.ownedImage = ownedImage
    }

    /// Where a read-only file's bytes can be read without the library, for raw chunks: the
    /// image in memory, or the descriptor of a file the sec2 driver has open. `base` is where
    /// address 0 is (after a user block). Nil for files open for writing, other drivers, or
    /// when the library does not say.
    enum RawBytes {
        case memory(UnsafeRawBufferPointer, base: Int)
        case descriptor(Int32, base: Int)
    }

    private(set) lazy var rawBytes: RawBytes? = {
        guard !isWritable, isOpen else { return nil }
        zoo_h5_prepare()
        defer { _ = zoo_h5_take_error(nil, 0) }  // any failure below only means "no"
        let fcpl = H5Fget_create_plist(id)
        guard fcpl >= 0 else { return nil }
        var userBlock: hsize_t = 0
        let gotUserBlock = H5Pget_userblock(fcpl, &userBlock) >= 0
        H5Pclose(fcpl)
        guard gotUserBlock, let base = Int(exactly: userBlock) else { return nil }
        if let image {
            return .memory(UnsafeRawBufferPointer(start: image, count: imageSize), base: base)
        }
        let fapl = H5Fget_access_plist(id)
        guard fapl >= 0 else { return nil }
        let driver = H5Pget_driver(fapl)
        H5Pclose(fapl)
        var handle: UnsafeMutableRawPointer?
        guard driver == zoo_h5fd_sec2(), H5Fget_vfd_handle(id, zoo_h5p_default(), &handle) >= 0, let handle else {
            return nil
        }
        return .descriptor(handle.load(as: Int32.self), base: base)
    }()

    /// Lets go of the buffer an in-memory file was built in (kept for the next such file).
    func releaseOwnedImage() {
        zoo_h5_owned_image_release(ownedImage)
        ownedImage = nil
    }

    var location: Location { Location(file: name, object: nil) }

    /// A staging buffer for raw chunk I/O, kept between datasets so that writing a checkpoint
    /// does not allocate (and page-fault in) a fresh buffer per tensor.
    private var scratch: UnsafeMutableRawPointer?
    private var scratchSize = 0
    private static let maxKeptScratch = 64 << 20

    func withScratch<R>(_ size: Int, _ body: (UnsafeMutableRawPointer) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        if size > Self.maxKeptScratch {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
            defer { buffer.deallocate() }
            return try body(buffer)
        }
        if size > scratchSize {
            scratch?.deallocate()
            scratch = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
            scratchSize = size
        }
        return try body(scratch!)
    }

    func close() throws(HDF5Error) {
        guard isOpen else { return }
        isOpen = false
        scratch?.deallocate()
        scratch = nil
        scratchSize = 0
        zoo_h5_prepare()
        if isWritable { try location.check(H5Fflush(id, H5F_SCOPE_LOCAL), "cannot flush file") }
        try location.check(H5Fclose(id), "cannot close file")
    }

    deinit {
        scratch?.deallocate()
        if isOpen {
            zoo_h5_prepare()
            _ = H5Fclose(id)
            _ = zoo_h5_take_error(nil, 0)
        }
        // Every group and dataset holds this handle, so none is open any more: the library
        // has really closed the file (not only this identifier) and let go of the image.
        image?.deallocate()
        releaseOwnedImage()
    }
}

/// Owns an open group or dataset identifier.
final class H5ObjectHandle {
    let id: hid_t
    let file: H5FileHandle
    let path: String
    private(set) var isOpen = true

    init(id: hid_t, file: H5FileHandle, path: String) {
        self.id = id
        self.file = file
        self.path = path
    }

    var location: Location { Location(file: file.name, object: path) }

    func close() {
        guard isOpen else { return }
        isOpen = false
        zoo_h5_prepare()
        _ = H5Oclose(id)
        _ = zoo_h5_take_error(nil, 0)
    }

    /// Throws unless the object can be written to.
    func requireWritable() throws(HDF5Error) {
        if !file.isWritable { throw location.error(.notWritable, "file is open read-only") }
        if !isOpen || !file.isOpen { throw location.error(.notWritable, "file is closed") }
    }

    deinit { close() }
}

/// Creates a dataspace for `shape` (a scalar one for `[]`). The caller closes it.
func createDataspace(_ shape: [Int], _ location: Location) throws(HDF5Error) -> hid_t {
    if shape.isEmpty {
        return try location.check(H5Screate(H5S_SCALAR), "cannot create dataspace")
    }
    let dims = shape.map { hsize_t($0) }
    return try location.check(H5Screate_simple(Int32(dims.count), dims, nil), "cannot create dataspace")
}

/// The shape of a dataspace: `[]` for a scalar one.
func dataspaceShape(_ space: hid_t, _ location: Location) throws(HDF5Error) -> [Int] {
    let rank = H5Sget_simple_extent_ndims(space)
    if rank < 0 { throw location.libraryError("cannot read dataspace") }
    if rank == 0 {
        // A null dataspace (no elements at all) also has rank 0; treat it as empty.
        return H5Sget_simple_extent_type(space) == H5S_NULL ? [0] : []
    }
    var dims = [hsize_t](repeating: 0, count: Int(rank))
    try location.check(H5Sget_simple_extent_dims(space, &dims, nil), "cannot read dataspace")
    // HDF5 allows dimensions up to 2^64 - 1; refuse any whose count an Int cannot hold, so
    // that nothing computed from a shape can overflow.
    var shape: [Int] = []
    for dim in dims {
        guard let size = Int(exactly: dim) else { throw location.error(.invalidArgument, "dimensions \(dims) are too large") }
        shape.append(size)
    }
    _ = try elementCount(shape, location)
    return shape
}

/// The number of elements in `shape`, or an error for negative or overflowing dimensions.
func elementCount(_ shape: [Int], _ location: Location) throws(HDF5Error) -> Int {
    var count = 1
    for dim in shape {
        if dim < 0 { throw location.error(.invalidArgument, "negative dimension in shape \(shape)") }
        let (product, overflow) = count.multipliedReportingOverflow(by: dim)
        if overflow { throw location.error(.invalidArgument, "shape \(shape) is too large") }
        count = product
    }
    return count
}
