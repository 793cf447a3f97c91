import CZooKernels

/// A dense float32 array in row-major order with value semantics: copies share storage until
/// one of them is written (copy-on-write).
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    @usableFromInline var storage: TensorStorage

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    @usableFromInline init(shape: [Int], storage: TensorStorage) {
        precondition(Tensor.elementCount(shape) == storage.count, "shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` with every element set to `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Tensor.elementCount(shape)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A tensor whose elements are about to be written in full (by a oneDNN primitive).
    static func uninitialized(_ shape: [Int]) -> Tensor { Tensor(shape: shape, unsafeUninitialized: { _ in }) }

    /// A tensor of `shape` holding `values` in row-major order.
    public init(shape: [Int], _ values: [Float]) {
        precondition(values.count == Tensor.elementCount(shape), "\(values.count) values do not fill shape \(shape)")
        let storage = TensorStorage(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
        self.init(shape: shape, storage: storage)
    }

    /// A scalar (rank-0) tensor.
    public init(_ scalar: Float) { self.init(shape: [], [scalar]) }

    /// A tensor whose elements the caller writes through `initializer`, which must set all of them.
    @inlinable
    public init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let storage = TensorStorage(uninitializedCount: Tensor.elementCount(shape))
        try initializer(storage.pointer)
        self.init(shape: shape, storage: storage)
    }

    public var scalars: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with \(count) elements")
        return storage.pointer[0]
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.version &+= 1
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The address of the first element, for one call into C that the caller wraps in
    /// `withExtendedLifetime` of the tensor. Only a tensor the caller has just made (and so
    /// holds alone) may be written through it: writing a shared one would change its copies.
    var address: UnsafeMutablePointer<Float> { storage.pointer }

    /// Names these contents for oneDNN calls that keep blocked copies of weights.
    var bufferVersion: zoo_buffer_version { storage.bufferVersion }

    /// Element `i` in row-major order.
    public subscript(flat i: Int) -> Float {
        get { precondition(i >= 0 && i < count); return storage.pointer[i] }
        set {
            precondition(i >= 0 && i < count)
            withUnsafeMutableBufferPointer { $0[i] = newValue }
        }
    }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1) { count, dimension in
            precondition(dimension >= 0, "negative dimension in shape \(shape)")
            return count * dimension
        }
    }

    /// True when every element is finite (no NaN or infinity). One branch-free pass over the
    /// bits that the compiler vectorizes: a float is NaN or infinite exactly when its magnitude
    /// bits are at least 0x7f800000 (all exponent bits set).
    public var isFinite: Bool {
        withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UInt32.self) { bits in
                var largest: UInt32 = 0
                for word in bits { largest = max(largest, word & 0x7fff_ffff) }
                return largest < 0x7f80_0000
            }
        }
    }

    /// True when both tensors have the same shape and bit-identical elements.
    public func isIdentical(to other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
