import CZooKernels

/// A pair of sizes along height and width, as PyTorch's `_pair` takes an int or a tuple.
public struct Pair: Equatable, Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var height: Int, width: Int
    public init(_ height: Int, _ width: Int) { self.height = height; self.width = width }
    public init(integerLiteral value: Int) { self.init(value, value) }
    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}

/// How a window sweeps an NCHW image: the kernel, stride, padding (each side) and dilation of a
/// convolution or pooling, with PyTorch's output-size rule (the last partial window is dropped).
public struct Window: Equatable, Sendable {
    public var kernel: Pair
    public var stride: Pair = 1
    public var padding: Pair = 0
    public var dilation: Pair = 1

    public init(kernel: Pair, stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1) {
        self.kernel = kernel; self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    /// floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1 along each axis.
    public func outputSize(height: Int, width: Int) -> Pair {
        func along(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> Int {
            let span = size + 2 * p - d * (k - 1) - 1
            return span < 0 ? 0 : span / s + 1
        }
        return Pair(along(height, kernel.height, stride.height, padding.height, dilation.height),
                    along(width, kernel.width, stride.width, padding.width, dilation.width))
    }

    func validate(_ what: String) {
        precondition(kernel.height > 0 && kernel.width > 0, "\(what): kernel \(kernel) must be positive")
        precondition(stride.height > 0 && stride.width > 0, "\(what): stride \(stride) must be positive")
        precondition(padding.height >= 0 && padding.width >= 0, "\(what): padding \(padding) must not be negative")
        precondition(dilation.height > 0 && dilation.width > 0, "\(what): dilation \(dilation) must be positive")
    }

    /// oneDNN's description of this window from `input` [n, c, h, w] to `output` [n, c', h', w']:
    /// the far-side padding is what makes the sizes agree exactly (it is smaller than the near
    /// side when the last stride does not fit; oneDNN then leaves those input rows out).
    func geometry(input: [Int], output: [Int], precision: Precision = .fp32) -> zoo_conv2d {
        func far(_ inSize: Int, _ outSize: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> Int {
            (outSize - 1) * s + d * (k - 1) + 1 - inSize - p
        }
        return zoo_conv2d(
            batch: input[0], in_channels: input[1], in_h: input[2], in_w: input[3],
            out_channels: output[1], out_h: output[2], out_w: output[3],
            kernel_h: kernel.height, kernel_w: kernel.width, stride_h: stride.height, stride_w: stride.width,
            pad_top: padding.height, pad_left: padding.width,
            pad_bottom: far(input[2], output[2], kernel.height, stride.height, padding.height, dilation.height),
            pad_right: far(input[3], output[3], kernel.width, stride.width, padding.width, dilation.width),
            dilation_h: dilation.height, dilation_w: dilation.width, precision: precision.kernelCode)
    }
}

/// Stops on a oneDNN failure: the shapes were checked before, so one means a broken install.
func checkDNNL(_ status: Int32, _ what: String) {
    precondition(status == 0, "oneDNN \(what) failed with status \(status)")
}

/// Image convolutions on oneDNN primitives (plain NCHW tensors, OIHW weights).
public enum Convolution {
    static func forward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ g: zoo_conv2d) -> Tensor {
        record(.forward, g, bias: bias != nil)
        var geometry = g
        let y = Tensor.uninitialized([g.batch, g.out_channels, g.out_h, g.out_w])
        var version = w.bufferVersion
        withExtendedLifetime((x, w, bias)) {
            checkDNNL(zoo_conv2d_forward(&geometry, x.address, w.address, &version, bias?.address, y.address), "convolution")
        }
        return y
    }

    static func backwardData(_ w: Tensor, _ dy: Tensor, _ g: zoo_conv2d) -> Tensor {
        record(.backwardData, g, bias: false)
        var geometry = g
        let dx = Tensor.uninitialized([g.batch, g.in_channels, g.in_h, g.in_w])
        var version = w.bufferVersion
        withExtendedLifetime((w, dy)) {
            checkDNNL(zoo_conv2d_backward_data(&geometry, w.address, &version, dy.address, dx.address), "convolution backward-data")
        }
        return dx
    }

    /// The weight gradient [out, in, kh, kw] and, when asked, the bias gradient [out].
    static func backwardWeights(_ x: Tensor, _ dy: Tensor, _ g: zoo_conv2d, bias: Bool) -> (Tensor, Tensor?) {
        record(.backwardWeights, g, bias: bias)
        var geometry = g
        let dw = Tensor.uninitialized([g.out_channels, g.in_channels, g.kernel_h, g.kernel_w])
        let dbias: Tensor? = bias ? Tensor.uninitialized([g.out_channels]) : nil
        withExtendedLifetime((x, dy)) {
            checkDNNL(zoo_conv2d_backward_weights(&geometry, x.address, dy.address, dw.address, dbias?.address),
                      "convolution backward-weights")
        }
        return (dw, dbias)
    }
}

/// A 2-D convolution (PyTorch's `F.conv2d`): x [n, in, h, w], weight [out, in, kh, kw], bias
/// [out] or nil, to [n, out, h', w'], in the precision of `ComputePrecision`.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable? = nil, window: Window) -> Variable {
    window.validate("conv2d")
    precondition(x.value.rank == 4 && weight.value.rank == 4, "conv2d expects x [n, c, h, w] and weight [out, in, kh, kw], got \(x.shape) and \(weight.shape)")
    precondition(x.shape[1] == weight.shape[1], "conv2d: input has \(x.shape[1]) channels, weight \(weight.shape) expects \(weight.shape[1])")
    precondition(window.kernel == Pair(weight.shape[2], weight.shape[3]), "conv2d: weight \(weight.shape) does not have kernel \(window.kernel)")
    if let bias { precondition(bias.shape == [weight.shape[0]], "conv2d: bias \(bias.shape) does not match weight \(weight.shape)") }
    let out = window.outputSize(height: x.shape[2], width: x.shape[3])
    precondition(out.height > 0 && out.width > 0, "conv2d: a \(x.shape[2])x\(x.shape[3]) input is smaller than the \(window.kernel) kernel")
    let g = window.geometry(input: x.shape, output: [x.shape[0], weight.shape[0], out.height, out.width],
                            precision: ComputePrecision.current)
    let y = Convolution.forward(x.value, weight.value, bias: bias?.value, g)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Variable(y, inputs: inputs) { dy, needed in
        var grads: [Tensor?] = [needed[0] ? Convolution.backwardData(weight.value, dy, g) : nil]
        let weightsNeeded = needed[1] || (bias != nil && needed[2])
        let (dw, db) = weightsNeeded ? Convolution.backwardWeights(x.value, dy, g, bias: bias != nil) : (nil, nil)
        grads.append(needed[1] ? dw : nil)
        if bias != nil { grads.append(needed[2] ? db : nil) }
        return grads
    }
}

/// A transposed convolution (PyTorch's `F.conv_transpose2d`): x [n, in, h, w], weight
/// [in, out, kh, kw], bias [out] or nil, to [n, out, h', w'] with
/// h' = (h − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
///
/// It is the backward-data pass of the convolution that maps [n, out, h', w'] back to
/// [n, in, h, w] with the same weight tensor (a convolution's [out, in, kh, kw] is exactly the
/// transposed one's [in, out, kh, kw]), so forward and backward swap the convolution's
/// primitives: no weight is ever copied or flipped.
public func convTranspose2d(_ x: Variable, weight: Variable, bias: Variable? = nil, window: Window,
                            outputPadding: Pair = 0) -> Variable {
    window.validate("convTranspose2d")
    precondition(x.value.rank == 4 && weight.value.rank == 4, "convTranspose2d expects x [n, c, h, w] and weight [in, out, kh, kw], got \(x.shape) and \(weight.shape)")
    precondition(x.shape[1] == weight.shape[0], "convTranspose2d: input has \(x.shape[1]) channels, weight \(weight.shape) expects \(weight.shape[0])")
    precondition(window.kernel == Pair(weight.shape[2], weight.shape[3]), "convTranspose2d: weight \(weight.shape) does not have kernel \(window.kernel)")
    precondition((0..<max(window.stride.height, window.dilation.height)).contains(outputPadding.height)
                 && (0..<max(window.stride.width, window.dilation.width)).contains(outputPadding.width),
                 "convTranspose2d: output padding \(outputPadding) must be below the stride or the dilation")
    let outChannels = weight.shape[1]
    if let bias { precondition(bias.shape == [outChannels], "convTranspose2d: bias \(bias.shape) does not match weight \(weight.shape)") }
    func size(_ h: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ op: Int) -> Int { (h - 1) * s - 2 * p + d * (k - 1) + op + 1 }
    let w = window
    let outH = size(x.shape[2], w.kernel.height, w.stride.height, w.padding.height, w.dilation.height, outputPadding.height)
    let outW = size(x.shape[3], w.kernel.width, w.stride.width, w.padding.width, w.dilation.width, outputPadding.width)
    precondition(outH > 0 && outW > 0, "convTranspose2d: padding \(w.padding) leaves no output for a \(x.shape[2])x\(x.shape[3]) input")
    // The convolution whose backward-data pass this is: from the output back to the input.
    let n = x.shape[0]
    let g = window.geometry(input: [n, outChannels, outH, outW], output: x.shape, precision: ComputePrecision.current)
    var y = Convolution.backwardData(weight.value, x.value, g)
    if let bias {
        y.withUnsafeMutableBufferPointer { py in
            bias.value.withUnsafeBufferPointer { zoo_add_channel_bias(py.baseAddress!, $0.baseAddress!, n, outChannels, outH * outW) }
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Variable(y, inputs: inputs) { dy, needed in
        var grads: [Tensor?] = [
            needed[0] ? Convolution.forward(dy, weight.value, bias: nil, g) : nil,
            needed[1] ? Convolution.backwardWeights(dy, x.value, g, bias: false).0 : nil,
        ]
        if bias != nil { grads.append(needed[2] ? dy.sumPerChannel() : nil) }
        return grads
    }
}

extension Tensor {
    /// The sum of each channel of an NCHW (or [n, c]) tensor over batch and pixels: [c].
    public func sumPerChannel() -> Tensor {
        precondition(rank >= 2, "sumPerChannel needs [n, c, ...], got \(shape)")
        let (n, c) = (shape[0], shape[1])
        return Tensor(shape: [c]) { out in
            withUnsafeBufferPointer { zoo_sum_channels($0.baseAddress!, n, c, count / max(n * c, 1), out) }
        }
    }
}
