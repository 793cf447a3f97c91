/// Inverted dropout (PyTorch's `F.dropout` in training): each element is zeroed with probability
/// `probability` and the survivors are scaled by 1/(1 − p), so evaluation needs no rescaling.
/// The mask is drawn from `generator`, one uniform per element in row-major order, so the run's
/// seed decides it and a resumed run draws the same masks.
public func dropout(_ x: Variable, probability p: Float, generator: inout RandomGenerator) -> Variable {
    precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
    if p == 0 { return x }
    let keep = 1 / (1 - p)
    let mask = Tensor(shape: x.shape) { out in
        for i in 0..<x.value.count { out[i] = generator.uniform() < p ? 0 : keep }
    }
    return x * Variable(mask)
}
