import CHDF5
import CHDF5Shim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The common checkpoint dataset, a tensor of at most `maxChunkBytes` stored as one chunk with
// only the Fletcher-32 filter, is written and read as a raw chunk (the data followed by its
// little-endian checksum) with H5Dwrite_chunk / H5Dread_chunk. The bytes in the file are the
// same as through the filter pipeline, but libhdf5's staging copies and its slow checksum
// loop are skipped: this roughly halves the time to write or read a checkpoint.
//
// The shortcut relies on the file's little-endian types being the memory layout, so it is
// only taken on little-endian hosts; anything unusual takes the ordinary path.

private let hostIsLittleEndian = 1.littleEndian == 1
private let checksumBytes = 4

/// Whether `write` may store this dataset as one raw checksummed chunk.
func canWriteSingleChecksummedChunk(shape: [Int], elementSize: Int, options: HDF5WriteOptions) -> Bool {
    hostIsLittleEndian && options.checksum && options.deflateLevel == nil && !shape.isEmpty && !shape.contains(0)
        && HDF5WriteOptions.chunkShape(shape, elementSize: elementSize, maxChunkBytes: options.maxChunkBytes) == shape
}

/// Writes `data` as the only chunk of a dataset created with Fletcher-32 as its only filter.
func writeSingleChecksummedChunk(_ dataset: hid_t, _ data: UnsafeRawBufferPointer, rank: Int,
                                 file: H5FileHandle, _ location: Location) throws(HDF5Error) {
    guard let source = data.baseAddress else { return }
    let offset = [hsize_t](repeating: 0, count: rank)
    try file.withScratch(data.count + checksumBytes) { (chunk) throws(HDF5Error) in
        let checksum = zoo_fletcher32_copy(chunk, source, data.count).littleEndian  // one pass
        withUnsafeBytes(of: checksum) { (chunk + data.count).copyMemory(from: $0.baseAddress!, byteCount: checksumBytes) }
        try location.check(
            H5Dwrite_chunk(dataset, zoo_h5p_default(), 0, offset, data.count + checksumBytes, chunk),
            "cannot write dataset")
    }
}

/// The data size of a dataset that can be read as one raw checksummed chunk, or nil when it
/// must go through the filter pipeline. `type` is the stored type, `memoryType` the one asked.
func singleChecksummedChunkBytes(_ dataset: hid_t, shape: [Int], type: hid_t, memoryType: hid_t) -> Int? {
    guard hostIsLittleEndian, !shape.isEmpty, !shape.contains(0), H5Tequal(type, memoryType) > 0 else { return nil }
    let dcpl = H5Dget_create_plist(dataset)
    guard dcpl >= 0 else { return nil }
    defer { H5Pclose(dcpl) }
    guard H5Pget_layout(dcpl) == H5D_CHUNKED, H5Pget_nfilters(dcpl) == 1 else { return nil }
    var chunk = [hsize_t](repeating: 0, count: shape.count)
    guard H5Pget_chunk(dcpl, Int32(shape.count), &chunk) == Int32(shape.count),
          chunk.map({ Int($0) }) == shape else { return nil }
    var flags: UInt32 = 0
    var elements = 0
    var filterConfig: UInt32 = 0
    guard H5Pget_filter2(dcpl, 0, &flags, &elements, nil, 0, nil, &filterConfig) == zoo_h5z_filter_fletcher32()
    else { return nil }
    // The element count is known not to overflow (see dataspaceShape); its bytes might.
    let (dataBytes, overflow) = shape.reduce(1, *).multipliedReportingOverflow(by: Int(H5Tget_size(type)))
    guard !overflow else { return nil }
    var stored: hsize_t = 0
    let offset = [hsize_t](repeating: 0, count: shape.count)
    guard H5Dget_chunk_storage_size(dataset, offset, &stored) >= 0, Int(stored) == dataBytes + checksumBytes
    else { return nil }
    return dataBytes
}

/// Reads the raw chunk into `buffer` (room for `dataBytes` + 4) and verifies its checksum.
/// Returns false, leaving the error stack clear, when the chunk cannot be taken this way or
/// does not verify: the caller then reads through the filter pipeline, which reports the
/// failure (or accepts the byte-swapped checksums of files from old library versions).
func readSingleChecksummedChunk(_ dataset: hid_t, rank: Int, dataBytes: Int, into buffer: UnsafeMutableRawPointer) -> Bool {
    let offset = [hsize_t](repeating: 0, count: rank)
    var filterMask: UInt32 = 0
    guard H5Dread_chunk(dataset, zoo_h5p_default(), offset, &filterMask, buffer) >= 0 else {
        _ = zoo_h5_take_error(nil, 0)
        return false
    }
    guard filterMask == 0 else { return false }  // a chunk stored with the filter skipped
    let stored = UInt32(littleEndian: (buffer + dataBytes).loadUnaligned(as: UInt32.self))
    return zoo_fletcher32(buffer, dataBytes) == stored
}

/// Reads the raw chunk's data straight into `buffer` (exactly `dataBytes`) from the file's
/// bytes, without the library's copy into a staging buffer, and verifies its checksum. Returns
/// false, leaving the error stack clear and `buffer` unspecified, when that cannot be done or
/// the checksum does not match: the caller then reads through the library, which reports the
/// failure.
func readSingleChecksummedChunkDirectly(_ dataset: hid_t, rank: Int, dataBytes: Int, file: H5FileHandle,
                                        into buffer: UnsafeMutableRawPointer) -> Bool {
    guard let source = file.rawBytes else { return false }
    let offset = [hsize_t](repeating: 0, count: rank)
    var filterMask: UInt32 = 0
    var address: haddr_t = 0
    var size: hsize_t = 0
    guard H5Dget_chunk_info_by_coord(dataset, offset, &filterMask, &address, &size) >= 0 else {
        _ = zoo_h5_take_error(nil, 0)
        return false
    }
    guard filterMask == 0, address != zoo_haddr_undef(), size == hsize_t(dataBytes + checksumBytes),
          let chunkAddress = Int(exactly: address) else { return false }
    var stored: UInt32 = 0
    switch source {
    case .memory(let image, let base):
        let (start, overflow) = chunkAddress.addingReportingOverflow(base)
        guard !overflow, start >= 0, start <= image.count - dataBytes - checksumBytes,
              let bytes = image.baseAddress else { return false }
        buffer.copyMemory(from: bytes + start, byteCount: dataBytes)
        withUnsafeMutableBytes(of: &stored) { $0.copyMemory(from: UnsafeRawBufferPointer(start: bytes + start + dataBytes, count: checksumBytes)) }
    case .descriptor(let fd, let base):
        let (start, overflow) = chunkAddress.addingReportingOverflow(base)
        guard !overflow, readFully(fd, buffer, dataBytes, at: start),
              withUnsafeMutableBytes(of: &stored, { readFully(fd, $0.baseAddress!, checksumBytes, at: start + dataBytes) })
        else { return false }
    }
    return zoo_fletcher32(buffer, dataBytes) == UInt32(littleEndian: stored)
}

/// pread until `count` bytes are in; false on an error or the end of the file.
private func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, at offset: Int) -> Bool {
    var done = 0
    while done < count {
        let got = pread(fd, buffer + done, count - done, off_t(offset + done))
        if got < 0 && errno == EINTR { continue }
        if got <= 0 { return false }
        done += got
    }
    return true
}
