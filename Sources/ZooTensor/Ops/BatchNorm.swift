import CZooKernels

/// Batch normalization over the channels of x [n, c] or [n, c, h, w] (PyTorch's
/// `F.batch_norm`): y = γ·(x − μ)/√(σ² + ε) + β per channel.
///
/// In training the statistics are the batch's own (σ² biased, over the batch and pixels) and the
/// gradient includes their dependence on x; the batch's μ and σ² come back so that a layer can
/// update its running averages. In evaluation `statistics` holds fixed μ and σ².
public func batchNorm(_ x: Variable, weight: Variable, bias: Variable, epsilon: Float = 1e-5,
                      statistics: (mean: Tensor, variance: Tensor)? = nil) -> (output: Variable, mean: Tensor, variance: Tensor) {
    precondition(x.value.rank >= 2, "batchNorm expects [n, c] or [n, c, h, w], got \(x.shape)")
    let (n, c) = (x.shape[0], x.shape[1])
    let spatial = x.value.count / max(n * c, 1)
    precondition(weight.shape == [c] && bias.shape == [c], "batchNorm: weight \(weight.shape) and bias \(bias.shape) must be [\(c)]")
    let training = statistics == nil
    if let statistics {
        precondition(statistics.mean.shape == [c] && statistics.variance.shape == [c], "batchNorm: statistics must be [\(c)]")
    } else {
        precondition(n * spatial > 1, "batchNorm in training needs more than one value per channel, got \(x.shape)")
    }
    // Fresh tensors for what oneDNN writes (the batch statistics in training); the given ones
    // are only read. Every tensor here lives until the call returns.
    let mean = statistics?.mean ?? Tensor.zeros([c])
    let variance = statistics?.variance ?? Tensor.zeros([c])
    let y = Tensor.uninitialized(x.shape)
    withExtendedLifetime((x.value, weight.value, bias.value)) {
        checkDNNL(zoo_batch_norm_forward(n, c, spatial, epsilon, training ? 1 : 0, x.value.address, weight.value.address,
                                         bias.value.address, mean.address, variance.address, y.address), "batch normalization")
    }
    let output = Variable(y, inputs: [x, weight, bias]) { dy, _ in
        let dx = Tensor.uninitialized(x.shape), dgamma = Tensor.zeros([c]), dbeta = Tensor.zeros([c])
        withExtendedLifetime((x.value, weight.value, bias.value, dy)) {
            checkDNNL(zoo_batch_norm_backward(n, c, spatial, epsilon, training ? 1 : 0, x.value.address, weight.value.address,
                                              bias.value.address, mean.address, variance.address, dy.address,
                                              dx.address, dgamma.address, dbeta.address), "batch normalization backward")
        }
        // oneDNN computes all three in one pass; those not needed are dropped.
        return [dx, dgamma, dbeta]
    }
    return (output, mean, variance)
}
