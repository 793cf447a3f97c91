import CZooKernels

/// op(a)·op(b) for 2-D variables; op transposes when the flag is set. In the precision of
/// `ComputePrecision` (neither operand is taken for a weight: both are converted per product).
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    let precision = ComputePrecision.current
    func product(_ x: Tensor, _ y: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        GEMM.product(x, y, transposeA: transposeA, transposeB: transposeB, precision: precision)
    }
    let c = product(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
    return Variable(c, inputs: [a, b]) { g, needed in
        // C = op(A)·op(B) differentiated case by case, so that no operand is ever copied.
        let (av, bv) = (a.value, b.value)
        var da: Tensor?, db: Tensor?
        switch (transposeA, transposeB) {
        case (false, false):
            if needed[0] { da = product(g, bv, transposeB: true) }
            if needed[1] { db = product(av, g, transposeA: true) }
        case (false, true):
            if needed[0] { da = product(g, bv) }
            if needed[1] { db = product(g, av, transposeA: true) }
        case (true, false):
            if needed[0] { da = product(bv, g, transposeB: true) }
            if needed[1] { db = product(av, g) }
        case (true, true):
            if needed[0] { da = product(bv, g, transposeA: true, transposeB: true) }
            if needed[1] { db = product(g, av, transposeA: true, transposeB: true) }
        }
        return [da, db]
    }
}

/// x·Wᵀ + b for x [batch, in], W [out, in] (PyTorch's layout), b [out]: one GEMM with the
/// bias added in its kernel. In bf16 (`ComputePrecision`), W is converted once per optimizer
/// step for both products that read it.
public func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
    precondition(x.value.rank == 2, "linear expects [batch, features], got \(x.shape)")
    let precision = ComputePrecision.current
    let y: Tensor
    if let bias {
        precondition(bias.shape == [weight.shape[0]], "bias \(bias.shape) does not match weight \(weight.shape)")
        y = GEMM.product(x.value, weight.value, transposeB: true, bias: bias.value, precision: precision, bIsWeight: true)
    } else {
        y = GEMM.product(x.value, weight.value, transposeB: true, precision: precision, bIsWeight: true)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Variable(y, inputs: inputs) { g, needed in
        var grads: [Tensor?] = [
            needed[0] ? GEMM.product(g, weight.value, precision: precision, bIsWeight: true) : nil,
            needed[1] ? GEMM.product(g, x.value, transposeA: true, precision: precision) : nil,
        ]
        if bias != nil { grads.append(needed[2] ? g.sum(axis: 0) : nil) }
        return grads
    }
}
