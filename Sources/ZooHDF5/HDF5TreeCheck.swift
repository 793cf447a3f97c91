import CHDF5
import CHDF5Shim

/// A place where a file is not a plain tree of groups and datasets, each reached by exactly
/// one chain of hard links: a link other than a hard one, an object with several names (which
/// is how a group comes to contain itself), or a named datatype.
///
/// Files that only ever hold a tree can refuse all of these up front: whoever walks such a
/// file then cannot be sent round a cycle, out to another file, or to a datatype where an
/// array was expected.
public struct HDF5Irregularity: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A soft link, and the path it names (which may not exist).
        case softLink(target: String)
        /// An external link into another file.
        case externalLink(file: String, path: String)
        /// A link of a user-defined class, by its type number.
        case userDefinedLink(type: Int)
        /// An object whose header counts more than one hard link to it.
        case sharedObject(linkCount: Int)
        /// A second hard link to an object already reached at `firstPath`.
        case secondHardLink(firstPath: String)
        /// A named (committed) datatype stored as an object of its own.
        case namedDatatype
        /// An object that is neither a group, a dataset nor a named datatype.
        case unknownObject
        /// A dataset whose element type is a named datatype kept elsewhere in the file.
        case datasetWithNamedDatatype
        /// An attribute whose type is a named datatype kept elsewhere in the file.
        case attributeWithNamedDatatype(name: String)
    }

    /// The path of the link or object, e.g. `/weights/loop`.
    public let path: String
    public let kind: Kind

    /// What is there, e.g. `is a soft link to /weights`.
    public var description: String {
        switch kind {
        case .softLink(let target): return "is a soft link to \(target)"
        case .externalLink(let file, let path): return "is an external link to \(path) in \(file)"
        case .userDefinedLink(let type): return "is a user-defined link (type \(type))"
        case .sharedObject(let count): return "is reached by \(count) hard links (the same object under several names)"
        case .secondHardLink(let first): return "is a second hard link to \(first)"
        case .namedDatatype: return "is a named datatype"
        case .unknownObject: return "is an object of unknown type"
        case .datasetWithNamedDatatype: return "is a dataset whose type is a named datatype"
        case .attributeWithNamedDatatype(let name): return "has an attribute @\(name) whose type is a named datatype"
        }
    }
}

extension HDF5Group {
    /// The first irregularity (see `HDF5Irregularity`) in the tree below this group, the group
    /// itself included, looking depth first in name order; nil when the tree is plain. Only
    /// link and object headers are read (no data), and no link is followed but hard ones to
    /// objects not seen before, so the walk ends on any file, cycles included.
    public func firstIrregularity() throws -> HDF5Irregularity? {
        zoo_h5_prepare()
        guard handle.isOpen else { throw handle.location.error(.notWritable, "file is closed") }
        var reached: [haddr_t: String] = [:]
        // The group itself, reached however its caller got here.
        let info = try objectInfo(".", path: path)
        if let problem = irregularity(of: info, at: path, reached: &reached) { return problem }
        if let problem = try attributeIrregularity(at: path) { return problem }
        var pending = [path]
        while let group = pending.popLast() {
            // Children in reverse name order on the stack, so they are looked at in name order.
            for link in try links(in: group).reversed() {
                let childPath = joinPath(group, link.name)
                guard link.type == H5L_TYPE_HARD else { return try linkIrregularity(link, at: childPath) }
                let info = try objectInfo(childPath, path: childPath)
                if let problem = irregularity(of: info, at: childPath, reached: &reached) { return problem }
                if let problem = try attributeIrregularity(at: childPath) { return problem }
                if info.type == H5O_TYPE_GROUP { pending.append(childPath) }
            }
        }
        return nil
    }

    /// A link as H5Literate describes it: its name and type.
    private struct Link {
        let name: String
        let type: H5L_type_t
    }

    /// The links in the group at `groupPath`, in name order, without following any.
    private func links(in groupPath: String) throws(HDF5Error) -> [Link] {
        final class Found { var links: [Link] = [] }
        let found = Found()
        let location = handle.location.child(groupPath)
        let group = try location.check(H5Gopen2(handle.id, groupPath, zoo_h5p_default()), "cannot open group")
        defer { H5Gclose(group) }
        var index: hsize_t = 0
        let status = withExtendedLifetime(found) {
            H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, &index, { _, name, info, context in
                guard let name, let info, let context else { return -1 }
                Unmanaged<Found>.fromOpaque(context).takeUnretainedValue().links
                    .append(Link(name: String(cString: name), type: info.pointee.type))
                return 0
            }, Unmanaged.passUnretained(found).toOpaque())
        }
        try location.check(status, "cannot list group")
        // Listed in native order (see HDF5Group.children); the walk itself depends on name order.
        return found.links.sorted { $0.name < $1.name }
    }

    /// The header of the object at `name` (relative to this group, or absolute), with the
    /// messages it shares with other objects.
    private func objectInfo(_ name: String, path: String) throws(HDF5Error) -> H5O_info_t {
        var info = H5O_info_t()
        let fields = UInt32(H5O_INFO_BASIC) | UInt32(H5O_INFO_HDR)
        try handle.location.child(path).check(
            H5Oget_info_by_name2(handle.id, name, &info, fields, zoo_h5p_default()), "cannot read object")
        return info
    }

    /// What is wrong with an object reached by a hard link, if anything; records it as reached.
    private func irregularity(of info: H5O_info_t, at path: String,
                              reached: inout [haddr_t: String]) -> HDF5Irregularity? {
        if let first = reached[info.addr] { return HDF5Irregularity(path: path, kind: .secondHardLink(firstPath: first)) }
        reached[info.addr] = path
        if info.rc != 1 { return HDF5Irregularity(path: path, kind: .sharedObject(linkCount: Int(info.rc))) }
        switch info.type {
        case H5O_TYPE_GROUP:
            return nil
        case H5O_TYPE_DATASET:
            // A dataset's datatype message is shared when its type is a committed one.
            let sharedDatatype = info.hdr.mesg.shared & UInt64(H5O_SHMESG_DTYPE_FLAG) != 0
            return sharedDatatype ? HDF5Irregularity(path: path, kind: .datasetWithNamedDatatype) : nil
        case H5O_TYPE_NAMED_DATATYPE:
            return HDF5Irregularity(path: path, kind: .namedDatatype)
        default:
            return HDF5Irregularity(path: path, kind: .unknownObject)
        }
    }

    /// The first attribute of the object at `objectPath`, in name order, whose type is a
    /// named datatype (its message then points elsewhere in the file, as a dataset's would).
    private func attributeIrregularity(at objectPath: String) throws(HDF5Error) -> HDF5Irregularity? {
        final class Names { var list: [String] = [] }
        let names = Names()
        let location = handle.location.child(objectPath)
        var index: hsize_t = 0
        let status = withExtendedLifetime(names) {
            H5Aiterate_by_name(handle.id, objectPath, H5_INDEX_NAME, H5_ITER_NATIVE, &index, { _, name, _, context in
                guard let name, let context else { return -1 }
                Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(names).toOpaque(), zoo_h5p_default())
        }
        try location.check(status, "cannot list attributes")
        for name in names.list.sorted() {
            let attribute = try location.check(H5Aopen_by_name(handle.id, objectPath, name, zoo_h5p_default(), zoo_h5p_default()),
                                               "cannot open attribute @\(name)")
            defer { H5Aclose(attribute) }
            let type = try location.check(H5Aget_type(attribute), "cannot read the type of attribute @\(name)")
            defer { H5Tclose(type) }
            if H5Tcommitted(type) > 0 { return HDF5Irregularity(path: objectPath, kind: .attributeWithNamedDatatype(name: name)) }
        }
        return nil
    }

    /// A soft, external or user-defined link, described with what it names (read from the
    /// link itself, not followed).
    private func linkIrregularity(_ link: Link, at path: String) throws(HDF5Error) -> HDF5Irregularity {
        let location = handle.location.child(path)
        var info = H5L_info_t()
        try location.check(H5Lget_info(handle.id, path, &info, zoo_h5p_default()), "cannot read link")
        let size = Int(info.u.val_size)
        var value = [UInt8](repeating: 0, count: max(size, 1))
        if size > 0 {
            try location.check(H5Lget_val(handle.id, path, &value, size, zoo_h5p_default()), "cannot read link")
        }
        switch link.type {
        case H5L_TYPE_SOFT:
            return HDF5Irregularity(path: path, kind: .softLink(target: cString(value)))
        case H5L_TYPE_EXTERNAL:
            var flags: UInt32 = 0
            var file: UnsafePointer<CChar>?
            var object: UnsafePointer<CChar>?
            try location.check(H5Lunpack_elink_val(&value, size, &flags, &file, &object), "cannot read external link")
            return HDF5Irregularity(path: path, kind: .externalLink(file: file.map { String(cString: $0) } ?? "?",
                                                                    path: object.map { String(cString: $0) } ?? "?"))
        default:
            return HDF5Irregularity(path: path, kind: .userDefinedLink(type: Int(link.type.rawValue)))
        }
    }

    /// The text up to the first NUL in `bytes` (a link value need not end with one).
    private func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
