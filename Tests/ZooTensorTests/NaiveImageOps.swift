@testable import ZooTensor

// Plain loop-by-loop definitions of the image ops, written from their textbook formulas with
// none of the production code's geometry: the references the oneDNN-backed ops must match.
enum Naive {
    /// y[n, o, i, j] = b[o] + Σ_c,p,q x[n, c, i·s − pad + p·d, j·s − pad + q·d] · w[o, c, p, q].
    static func conv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Pair, padding: Pair, dilation: Pair) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.height - dilation.height * (kh - 1) - 1) / stride.height + 1
        let ow = (wd + 2 * padding.width - dilation.width * (kw - 1) - 1) / stride.width + 1
        var y = Tensor.zeros([n, o, oh, ow])
        let xs = x.scalars, ws = w.scalars, bs = b?.scalars
        for b0 in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
            var total = Double(bs?[oc] ?? 0)
            for ic in 0..<c { for p in 0..<kh { for q in 0..<kw {
                let r = i * stride.height - padding.height + p * dilation.height
                let s = j * stride.width - padding.width + q * dilation.width
                guard (0..<h).contains(r), (0..<wd).contains(s) else { continue }
                total += Double(xs[((b0 * c + ic) * h + r) * wd + s]) * Double(ws[((oc * c + ic) * kh + p) * kw + q])
            } } }
            y[flat: ((b0 * o + oc) * oh + i) * ow + j] = Float(total)
        } } } }
        return y
    }

    /// Every input pixel scatters x·w into the output, at i·s − pad + p·d:
    /// the transposed convolution, weight [in, out, kh, kw].
    static func convTranspose2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Pair, padding: Pair,
                                outputPadding: Pair, dilation: Pair) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
        let oh = (h - 1) * stride.height - 2 * padding.height + dilation.height * (kh - 1) + outputPadding.height + 1
        let ow = (wd - 1) * stride.width - 2 * padding.width + dilation.width * (kw - 1) + outputPadding.width + 1
        var acc = [Double](repeating: 0, count: n * o * oh * ow)
        let xs = x.scalars, ws = w.scalars
        for b0 in 0..<n { for ic in 0..<c { for i in 0..<h { for j in 0..<wd {
            let v = Double(xs[((b0 * c + ic) * h + i) * wd + j])
            for oc in 0..<o { for p in 0..<kh { for q in 0..<kw {
                let r = i * stride.height - padding.height + p * dilation.height
                let s = j * stride.width - padding.width + q * dilation.width
                guard (0..<oh).contains(r), (0..<ow).contains(s) else { continue }
                acc[((b0 * o + oc) * oh + r) * ow + s] += v * Double(ws[((ic * o + oc) * kh + p) * kw + q])
            } } }
        } } } }
        if let b { for i in acc.indices { acc[i] += Double(b.scalars[(i / (oh * ow)) % o]) } }
        return Tensor(shape: [n, o, oh, ow], acc.map(Float.init))
    }

    /// Max or mean of each window; padding is −∞ for the max and 0 (counted) for the mean.
    static func pool2d(_ x: Tensor, kernel: Pair, stride: Pair, padding: Pair, max: Bool) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * padding.height - kernel.height) / stride.height + 1
        let ow = (wd + 2 * padding.width - kernel.width) / stride.width + 1
        var y = Tensor.zeros([n, c, oh, ow])
        let xs = x.scalars
        for plane in 0..<(n * c) { for i in 0..<oh { for j in 0..<ow {
            var best = -Float.infinity, total = 0.0
            for p in 0..<kernel.height { for q in 0..<kernel.width {
                let r = i * stride.height - padding.height + p, s = j * stride.width - padding.width + q
                guard (0..<h).contains(r), (0..<wd).contains(s) else { continue }
                let v = xs[(plane * h + r) * wd + s]
                best = Swift.max(best, v)
                total += Double(v)
            } }
            y[flat: (plane * oh + i) * ow + j] = max ? best : Float(total / Double(kernel.height * kernel.width))
        } } }
        return y
    }

    static func upsampleNearest(_ x: Tensor, scale: Pair) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h * scale.height, wd * scale.width)
        var y = Tensor.zeros([n, c, oh, ow])
        for plane in 0..<(n * c) { for i in 0..<oh { for j in 0..<ow {
            y[flat: (plane * oh + i) * ow + j] = x[flat: (plane * h + i / scale.height) * wd + j / scale.width]
        } } }
        return y
    }

    /// Per-channel mean and biased variance over batch and pixels, and the normalized output.
    static func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float,
                          statistics: (mean: [Double], variance: [Double])?) -> (y: Tensor, mean: [Double], variance: [Double]) {
        let (n, c) = (x.shape[0], x.shape[1])
        let spatial = x.count / (n * c)
        let xs = x.scalars
        func values(_ ch: Int) -> [Double] {
            var out: [Double] = []
            for b in 0..<n {
                for i in 0..<spatial { out.append(Double(xs[(b * c + ch) * spatial + i])) }
            }
            return out
        }
        let count = Double(n * spatial)
        var mean: [Double] = [], variance: [Double] = []
        for ch in 0..<c {
            let v = values(ch)
            let m: Double = v.reduce(0, +) / count
            var squares = 0.0
            for value in v { squares += (value - m) * (value - m) }
            mean.append(m)
            variance.append(squares / count)
        }
        if let statistics { (mean, variance) = statistics }
        var y = x
        for i in 0..<x.count {
            let ch = (i / spatial) % c
            let normalized = (Double(xs[i]) - mean[ch]) / (variance[ch] + Double(epsilon)).squareRoot()
            y[flat: i] = Float(normalized * Double(gamma.scalars[ch]) + Double(beta.scalars[ch]))
        }
        return (y, mean, variance)
    }
}

/// The largest elementwise difference between two tensors of one shape.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
