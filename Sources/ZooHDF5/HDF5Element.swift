import CHDF5
import CHDF5Shim

/// The element types a dataset or attribute can hold. Files store them little-endian.
public enum HDF5ElementType: String, Sendable, CaseIterable {
    case float32, float64, int32, int64, uint8, uint64

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8: 1
        case .float32, .int32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The type used in memory for H5Dread/H5Dwrite.
    var memoryType: hid_t {
        switch self {
        case .float32: zoo_h5t_native_float()
        case .float64: zoo_h5t_native_double()
        case .int32: zoo_h5t_native_int32()
        case .int64: zoo_h5t_native_int64()
        case .uint8: zoo_h5t_native_uint8()
        case .uint64: zoo_h5t_native_uint64()
        }
    }

    /// The type written to files.
    var fileType: hid_t {
        switch self {
        case .float32: zoo_h5t_ieee_f32le()
        case .float64: zoo_h5t_ieee_f64le()
        case .int32: zoo_h5t_std_i32le()
        case .int64: zoo_h5t_std_i64le()
        case .uint8: zoo_h5t_std_u8le()
        case .uint64: zoo_h5t_std_u64le()
        }
    }

    /// The element type a stored HDF5 type corresponds to, or nil if it is none of ours.
    /// Byte order is not compared: HDF5 converts it on read.
    init?(storedType type: hid_t) {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            switch size {
            case 4: self = .float32
            case 8: self = .float64
            default: return nil
            }
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (4, true): self = .int32
            case (8, true): self = .int64
            case (1, false): self = .uint8
            case (8, false): self = .uint64
            default: return nil
            }
        default:
            return nil
        }
    }
}

/// Describes any stored HDF5 type in a few words, for type-mismatch messages.
func describeStoredType(_ type: hid_t) -> String {
    if let known = HDF5ElementType(storedType: type) { return known.rawValue }
    let bits = H5Tget_size(type) * 8
    switch H5Tget_class(type) {
    case H5T_FLOAT: return "float\(bits)"
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_2 ? "int" : "uint") + "\(bits)"
    case H5T_STRING: return "string"
    case H5T_COMPOUND: return "compound"
    case H5T_ENUM: return "enum"
    case H5T_ARRAY: return "array"
    case H5T_VLEN: return "variable-length sequence"
    case H5T_REFERENCE: return "reference"
    case H5T_OPAQUE: return "opaque"
    case H5T_BITFIELD: return "bitfield"
    default: return "unknown type"
    }
}

/// A Swift type that can be stored as a dataset or attribute element. Conformances are
/// provided for Float, Double, Int32, Int64, Int (stored as int64), UInt8 and UInt64; a
/// conforming type must have exactly the memory layout of its `hdf5ElementType`.
public protocol HDF5Element: BitwiseCopyable, Sendable {
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Float: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .float64 } }
extension Int32: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension Int64: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension UInt8: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension UInt64: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .uint64 } }
#if _pointerBitWidth(_64)
extension Int: HDF5Element { public static var hdf5ElementType: HDF5ElementType { .int64 } }
#endif
