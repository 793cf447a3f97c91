/// A seedable pseudo-random generator (xoshiro256**) whose whole state is four integers, so a
/// checkpoint can save it and a resumed run continue the exact same stream.
public struct RandomGenerator: Sendable, Equatable {
    /// The complete state. Restoring it restores the stream exactly.
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        // SplitMix64 spreads any seed, 0 included, over the four words.
        var z = seed
        state = (0..<4).map { _ in
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
    }

    /// Restores a saved state; nil if it is not four words or is all zero (a dead state).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = ((state[1] &* 5) << 7 | (state[1] &* 5) >> 57) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = state[3] << 45 | state[3] >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every float32 step in that range).
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, n) without modulo bias (Lemire's method).
    public mutating func integer(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// A pair of independent standard normal draws (Box–Muller).
    public mutating func normalPair() -> (Float, Float) {
        // 1 - u keeps the log argument in (0, 1].
        let u1 = 1 - Double(next() >> 11) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * _cos(angle)), Float(radius * _sin(angle)))
    }

    /// A tensor of independent U(low, high) draws.
    public mutating func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<Tensor.elementCount(shape) { out[i] = low + (high - low) * uniform() }
        }
    }

    /// A tensor of independent N(mean, std²) draws.
    public mutating func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        let n = Tensor.elementCount(shape)
        return Tensor(shape: shape) { out in
            var i = 0
            while i < n {
                let (a, b) = normalPair()
                out[i] = mean + std * a
                if i + 1 < n { out[i + 1] = mean + std * b }
                i += 2
            }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            order.swapAt(i, integer(below: i + 1))
        }
        return order
    }
}
