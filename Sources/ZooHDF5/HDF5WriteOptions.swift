import CHDF5
import CHDF5Shim

/// How a dataset is stored.
public struct HDF5WriteOptions: Sendable, Equatable {
    /// Store a Fletcher-32 checksum with every chunk, so that corrupted data is refused on
    /// read instead of silently returned. Costs about as much as one copy of the data.
    public var checksum: Bool
    /// Compress with deflate (zlib) at this level, 1...9; nil for none. Float weights hardly
    /// compress, so the default is none.
    public var deflateLevel: Int?
    /// The largest chunk, in bytes. Datasets up to this size are one chunk (fastest to read
    /// and write whole); larger ones are split along their leading dimensions.
    public var maxChunkBytes: Int

    public init(checksum: Bool = true, deflateLevel: Int? = nil, maxChunkBytes: Int = 16 << 20) {
        self.checksum = checksum
        self.deflateLevel = deflateLevel
        self.maxChunkBytes = maxChunkBytes
    }

    public static let `default` = HDF5WriteOptions()

    /// Chunk dimensions for `shape`: the whole dataset when it fits in `maxChunkBytes`, else
    /// whole trailing dimensions and as many leading rows as fit. Every dimension of `shape`
    /// must be positive.
    static func chunkShape(_ shape: [Int], elementSize: Int, maxChunkBytes: Int) -> [Int] {
        var chunk = shape
        // HDF5 limits a chunk to 4 GiB; stay well below whatever the caller asks.
        let limit = max(elementSize, min(maxChunkBytes, 1 << 30))
        var bytes = chunk.reduce(elementSize, *)
        for axis in chunk.indices where bytes > limit {
            let slice = bytes / chunk[axis]
            chunk[axis] = max(1, limit / slice)
            bytes = slice * chunk[axis]
        }
        return chunk
    }

    /// Builds the dataset creation property list. The caller closes it.
    func datasetCreation(type: HDF5ElementType, shape: [Int], _ location: Location) throws(HDF5Error) -> hid_t {
        let dcpl = try location.check(H5Pcreate(zoo_h5p_dataset_create()), "cannot create dataset properties")
        do throws(HDF5Error) {
            try configure(dcpl, type: type, shape: shape, location)
        } catch {
            H5Pclose(dcpl)
            throw error
        }
        return dcpl
    }

    private func configure(_ dcpl: hid_t, type: HDF5ElementType, shape: [Int], _ location: Location) throws(HDF5Error) {
        let action = "cannot set dataset properties"
        // Without timestamps, the same content gives the same file bytes.
        try location.check(H5Pset_obj_track_times(dcpl, false), action)
        // Every element is written right after creation, so filling with a default first
        // would be wasted work.
        try location.check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), action)

        let isEmpty = shape.contains(0)
        if shape.isEmpty || isEmpty {
            // Filters need chunks, and HDF5 chunks neither scalars nor empty datasets. Compact
            // layout keeps the value inside the object header, which the file format
            // checksums, so a scalar is still protected.
            try location.check(H5Pset_layout(dcpl, H5D_COMPACT), action)
            return
        }
        if !checksum && deflateLevel == nil { return }  // contiguous: nothing to filter

        let chunk = Self.chunkShape(shape, elementSize: type.size, maxChunkBytes: maxChunkBytes).map { hsize_t($0) }
        try location.check(H5Pset_chunk(dcpl, Int32(chunk.count), chunk), action)
        if let level = deflateLevel {
            guard (1...9).contains(level) else {
                throw location.error(.invalidArgument, "deflate level \(level) is not in 1...9")
            }
            guard H5Zfilter_avail(zoo_h5z_filter_deflate()) > 0 else {
                throw location.error(.library, "deflate is not available in this libhdf5")
            }
            // Grouping the bytes of each element first makes numbers compress much better.
            if type.size > 1 { try location.check(H5Pset_shuffle(dcpl), action) }
            try location.check(H5Pset_deflate(dcpl, UInt32(level)), action)
        }
        // Last in the pipeline, so the checksum covers the bytes as stored.
        if checksum { try location.check(H5Pset_fletcher32(dcpl), action) }
    }
}
