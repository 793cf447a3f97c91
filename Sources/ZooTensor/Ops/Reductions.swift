/// The sum of all elements, as a scalar.
public func sum(_ x: Variable) -> Variable {
    Variable(Tensor(x.value.sum()), inputs: [x]) { g, _ in [Tensor(shape: x.shape, repeating: g.scalar)] }
}

/// The mean of all elements, as a scalar.
public func mean(_ x: Variable) -> Variable {
    let n = Float(max(x.value.count, 1))
    return Variable(Tensor(x.value.sum() / n), inputs: [x]) { g, _ in [Tensor(shape: x.shape, repeating: g.scalar / n)] }
}

/// Sums over `axis`, removing it.
public func sum(_ x: Variable, axis: Int) -> Variable {
    Variable(x.value.sum(axis: axis), inputs: [x]) { g, _ in
        var kept = x.shape
        kept[axis] = 1
        return [g.reshaped(kept).expanded(to: x.shape)]
    }
}

/// Averages over `axis`, removing it.
public func mean(_ x: Variable, axis: Int) -> Variable {
    sum(x, axis: axis) / Float(max(x.shape[axis], 1))
}
