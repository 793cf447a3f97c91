import CZooKernels

/// How a loss combines its per-element terms.
public enum Reduction: String, Sendable, Codable {
    case sum, mean
}

/// A scalar loss `total(prediction)` over constant targets, whose per-element gradient is
/// `gradient(prediction, scale)` with scale 1 (sum) or 1/n (mean), times the incoming gradient.
private func loss(_ prediction: Variable, _ target: Tensor, _ reduction: Reduction,
                  total: (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Double,
                  gradient: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, Float, UnsafeMutablePointer<Float>, Int) -> Void) -> Variable {
    precondition(prediction.shape == target.shape, "loss: prediction \(prediction.shape) and target \(target.shape) differ")
    let n = prediction.value.count
    let scale: Float = reduction == .mean ? 1 / Float(max(n, 1)) : 1
    let value = prediction.value.withUnsafeBufferPointer { p in
        target.withUnsafeBufferPointer { t in total(p.baseAddress!, t.baseAddress!, n) }
    }
    return Variable(Tensor(Float(value) * scale), inputs: [prediction]) { g, _ in
        [Tensor.combining(prediction.value, target) { p, t, out, n in gradient(p, t, scale * g.scalar, out, n) }]
    }
}

/// Mean (or summed) squared error.
public func mseLoss(_ prediction: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
    loss(prediction, target, reduction, total: { zoo_squared_error($0, $1, $2) }) { p, t, scale, out, n in
        zoo_sub(p, t, out, n)
        zoo_affine(out, 2 * scale, 0, out, n)
    }
}

/// Binary cross-entropy of probabilities in [0, 1]; each log is clamped at -100 as in PyTorch.
public func binaryCrossEntropy(_ probabilities: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
    loss(probabilities, target, reduction, total: { zoo_bce($0, $1, $2) }) { p, t, scale, out, n in
        zoo_bce_backward(p, t, scale, out, n)
    }
}

/// Binary cross-entropy of logits: the numerically stable fusion of sigmoid and BCE.
public func binaryCrossEntropy(logits: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
    loss(logits, target, reduction, total: { zoo_bce_logits($0, $1, $2) }) { x, t, scale, out, n in
        zoo_bce_logits_backward(x, t, scale, out, n)
    }
}

/// KL(N(mu, exp(logvar)) ‖ N(0, I)) summed over all elements:
/// -½ Σ (1 + logvar - mu² - exp(logvar)).
public func gaussianKL(mu: Variable, logvar: Variable) -> Variable {
    precondition(mu.shape == logvar.shape, "gaussianKL: mu \(mu.shape) and logvar \(logvar.shape) differ")
    let n = mu.value.count
    let value = mu.value.withUnsafeBufferPointer { m in
        logvar.value.withUnsafeBufferPointer { l in zoo_gaussian_kl(m.baseAddress!, l.baseAddress!, n) }
    }
    return Variable(Tensor(Float(value)), inputs: [mu, logvar]) { g, needed in
        let s = g.scalar
        let dmu = needed[0] ? mu.value * s : nil
        // d/dlogvar = ½ (exp(logvar) - 1)
        let dlogvar = needed[1] ? logvar.value.applying { zoo_exp($0, $1, $2) }.affine(scale: 0.5 * s, offset: -0.5 * s) : nil
        return [dmu, dlogvar]
    }
}

/// Softmax cross-entropy of logits [n, classes] against class indices (PyTorch's
/// `F.cross_entropy`): −log softmax(x)[label] per row, through the log-sum-exp with the row's
/// maximum subtracted, so no logit overflows. Its gradient is softmax(x) − onehot(label).
public func crossEntropy(logits: Variable, labels: [Int], reduction: Reduction = .mean) -> Variable {
    precondition(logits.value.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropy expects logits [n, classes] for n labels, got \(logits.shape) for \(labels.count)")
    let (n, classes) = (logits.shape[0], logits.shape[1])
    precondition(labels.allSatisfy { (0..<classes).contains($0) }, "crossEntropy: a label is outside 0..<\(classes)")
    let scale: Float = reduction == .mean ? 1 / Float(max(n, 1)) : 1
    var total = 0.0
    let probabilities = Tensor(shape: logits.shape) { p in
        logits.value.withUnsafeBufferPointer { x in
            for row in 0..<n {
                let values = x[(row * classes)..<((row + 1) * classes)]
                let largest = values.max() ?? 0
                var exps = values.map { _exp(Double($0 - largest)) }
                let sum = exps.reduce(0, +)
                for j in 0..<classes { exps[j] /= sum; p[row * classes + j] = Float(exps[j]) }
                total += Double(largest) + _log(sum) - Double(x[row * classes + labels[row]])
            }
        }
    }
    return Variable(Tensor(Float(total) * scale), inputs: [logits]) { g, _ in
        var d = probabilities
        d.withUnsafeMutableBufferPointer { d in
            for (row, label) in labels.enumerated() { d[row * classes + label] -= 1 }
            let factor = scale * g.scalar
            for i in d.indices { d[i] *= factor }
        }
        return [d]
    }
}

/// The binary cross-entropy of each row of `probabilities` [n, ...] against `target` (same
/// shape), summed over the row: −log p(x | probabilities) of each image under independent
/// Bernoulli pixels, with the same clamping of log 0 as `binaryCrossEntropy`.
public func binaryCrossEntropyPerRow(_ probabilities: Tensor, _ target: Tensor) -> [Double] {
    precondition(probabilities.shape == target.shape && probabilities.rank >= 1,
                 "binaryCrossEntropyPerRow: probabilities \(probabilities.shape) and target \(target.shape) differ")
    let rows = probabilities.shape[0], width = probabilities.count / max(rows, 1)
    return probabilities.withUnsafeBufferPointer { p in
        target.withUnsafeBufferPointer { t in
            (0..<rows).map { zoo_bce(p.baseAddress! + $0 * width, t.baseAddress! + $0 * width, width) }
        }
    }
}
