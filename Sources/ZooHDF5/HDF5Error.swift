import CHDF5Shim

/// A failed HDF5 operation, with a one-line message naming the file and object, e.g.
/// `vae.h5: /weights/encoder.0.weight: checksum mismatch (data corrupted)`.
///
/// The library's own error stack is never printed; its innermost message is kept in
/// `detail` and, for failures without a more specific kind, appended to the description.
public struct HDF5Error: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist.
        case fileNotFound
        /// The operating system refused to open or create the file (permissions, a directory, ...).
        case cannotOpenFile
        /// The file has no HDF5 signature.
        case notHDF5
        /// The file is shorter than its superblock says: an interrupted write or a copy cut short.
        case truncated
        /// A checksum did not match: the data (Fletcher-32) or the file's own metadata is corrupted.
        case corrupted
        /// No object or attribute by that name.
        case notFound
        /// An object or attribute by that name already exists.
        case alreadyExists
        /// The stored element type or layout is not the one asked for.
        case typeMismatch
        /// The arguments do not make sense (shape and count disagree, negative dimension, ...).
        case invalidArgument
        /// The file was opened read-only, or has been closed.
        case notWritable
        /// Any other failure inside libhdf5.
        case library
    }

    public let kind: Kind
    /// The file's path (or the name given to an in-memory file).
    public let file: String
    /// The object's path inside the file, e.g. `/weights/encoder.0.weight`, when there is one.
    public let object: String?
    /// What went wrong, in words.
    public let reason: String
    /// The innermost message of libhdf5's error stack, when the library reported the failure.
    public let detail: String?

    public init(kind: Kind, file: String, object: String? = nil, reason: String, detail: String? = nil) {
        self.kind = kind
        self.file = file
        self.object = object
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        var text = file + ": "
        if let object { text += object + ": " }
        text += reason
        if kind == .library, let detail, !detail.isEmpty { text += " (" + detail + ")" }
        return text
    }
}

/// Where an operation happens: the file (for messages) and the object path inside it.
struct Location: Sendable {
    let file: String
    let object: String?

    func error(_ kind: HDF5Error.Kind, _ reason: String, detail: String? = nil) -> HDF5Error {
        HDF5Error(kind: kind, file: file, object: object, reason: reason, detail: detail)
    }

    func child(_ path: String) -> Location {
        Location(file: file, object: joinPath(object ?? "/", path))
    }

    /// Turns the calling thread's HDF5 error stack into an HDF5Error. `action` says what was
    /// being attempted ("cannot create dataset") and is used when the stack has nothing more
    /// specific to say.
    func libraryError(_ action: String) -> HDF5Error {
        var buffer = [CChar](repeating: 0, count: 512)
        let kind = zoo_h5_take_error(&buffer, buffer.count)
        let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch kind {
        case ZOO_H5_ERR_DATA_CHECKSUM:
            return error(.corrupted, "checksum mismatch (data corrupted)", detail: detail)
        case ZOO_H5_ERR_METADATA_CHECKSUM:
            return error(.corrupted, "metadata checksum mismatch (file corrupted)", detail: detail)
        case ZOO_H5_ERR_TRUNCATED:
            return error(.truncated, "truncated file (shorter than its header says)", detail: detail)
        case ZOO_H5_ERR_NOT_HDF5:
            return error(.notHDF5, "not an HDF5 file", detail: detail)
        case ZOO_H5_ERR_CANT_OPEN_FILE:
            return error(.cannotOpenFile, "\(action): \(systemMessage(in: detail) ?? detail)", detail: detail)
        case ZOO_H5_ERR_NOT_FOUND:
            return error(.notFound, "not found", detail: detail)
        case ZOO_H5_ERR_EXISTS:
            return error(.alreadyExists, "already exists", detail: detail)
        default:
            return error(.library, action, detail: detail)
        }
    }

    /// Returns `id` when it is a valid identifier, else throws the library's error.
    @discardableResult
    func check(_ id: hid_t, _ action: @autoclosure () -> String) throws(HDF5Error) -> hid_t {
        if id < 0 { throw libraryError(action()) }
        return id
    }

    /// Throws the library's error when `status` (an herr_t or htri_t) is negative.
    @discardableResult
    func check(_ status: herr_t, _ action: @autoclosure () -> String) throws(HDF5Error) -> herr_t {
        if status < 0 { throw libraryError(action()) }
        return status
    }
}

/// The operating system's words in libhdf5's "unable to open file: name = ..., errno = 2,
/// error message = 'No such file or directory', ..." message.
private func systemMessage(in detail: String) -> String? {
    guard let start = detail.range(of: "error message = '"),
          let end = detail[start.upperBound...].firstIndex(of: "'") else { return nil }
    return String(detail[start.upperBound..<end])
}

/// Joins a group path and a (relative or absolute) path below it.
func joinPath(_ base: String, _ path: String) -> String {
    if path.hasPrefix("/") { return path }
    if path.isEmpty || path == "." { return base }
    return base.hasSuffix("/") ? base + path : base + "/" + path
}
