/// An optimizer that first averages its gradients over every process of `group`, then lets the
/// wrapped optimizer step (Horovod's DistributedOptimizer): the same update on every process,
/// so the weights stay identical, and the model's own `trainStep` needs to know nothing of it.
///
/// Each process's gradient is that of a mean over its share of the global batch; weighting it
/// by `share` (its images / the batch's images) and summing gives the gradient of the mean over
/// the whole batch, also when the shares differ by an image. The gradients travel in one
/// buffer, one `sum` per optimizer step.
final class GradientAveraging: Optimizer {
    let wrapped: any Optimizer
    let group: any ProcessGroup
    /// This process's share of the current step's images.
    var share: Float = 1
    private var buffer: [Float] = []
    /// The collective call that failed (a peer is gone), if one did.
    private(set) var failure: Error?

    init(_ wrapped: any Optimizer, group: any ProcessGroup) {
        self.wrapped = wrapped
        self.group = group
    }

    var parameters: [(name: String, parameter: Variable)] { wrapped.parameters }
    var learningRate: Float {
        get { wrapped.learningRate }
        set { wrapped.learningRate = newValue }
    }
    var state: [String: Tensor] { wrapped.state }
    func load(state: [String: Tensor]) throws { try wrapped.load(state: state) }

    /// The bytes one step sends: every gradient, as Float32.
    var bytesPerStep: Int { parameters.reduce(0) { $0 + $1.parameter.value.count } * MemoryLayout<Float>.size }

    func step(_ gradients: [Tensor]) {
        let total = gradients.reduce(0) { $0 + $1.count }
        if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
        let share = self.share
        buffer.withUnsafeMutableBufferPointer { flat in
            var offset = 0
            for gradient in gradients {
                gradient.withUnsafeBufferPointer { g in
                    for i in 0..<g.count { flat[offset + i] = g[i] * share }
                }
                offset += gradient.count
            }
        }
        guard failure == nil else { return }
        do {
            try buffer.withUnsafeMutableBufferPointer { try group.sum($0) }
        } catch {
            // `step` cannot throw (a step on one process never fails): the training loop
            // throws this after the model's step returns. The weights are left as they were.
            failure = error
            return
        }
        var offset = 0
        let averaged = gradients.map { gradient -> Tensor in
            defer { offset += gradient.count }
            return buffer.withUnsafeBufferPointer { flat in
                Tensor(shape: gradient.shape) { out in out.update(from: flat.baseAddress! + offset, count: gradient.count) }
            }
        }
        wrapped.step(averaged)
    }
}
