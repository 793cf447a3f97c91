import CZooKernels

/// Max or average pooling of x [n, c, h, w] on oneDNN (PyTorch's `F.max_pool2d` and
/// `F.avg_pool2d` with count_include_pad, floor mode).
private func pool2d(_ x: Variable, window: Window, kind: zoo_pooling, name: String) -> Variable {
    window.validate(name)
    precondition(window.dilation == 1, "\(name): dilation is not supported")
    precondition(x.value.rank == 4, "\(name) expects [n, c, h, w], got \(x.shape)")
    precondition(2 * window.padding.height <= window.kernel.height && 2 * window.padding.width <= window.kernel.width,
                 "\(name): padding \(window.padding) must be at most half the kernel \(window.kernel)")
    let out = window.outputSize(height: x.shape[2], width: x.shape[3])
    precondition(out.height > 0 && out.width > 0, "\(name): a \(x.shape[2])x\(x.shape[3]) input is smaller than the \(window.kernel) window")
    var g = window.geometry(input: x.shape, output: [x.shape[0], x.shape[1], out.height, out.width])
    // Max pooling records where each maximum came from, for its backward pass.
    let workspaceBytes = zoo_pool2d_workspace_size(&g, Int32(kind.rawValue))
    precondition(workspaceBytes >= 0, "oneDNN has no \(name) for \(x.shape)")
    let workspace = Tensor(shape: [(workspaceBytes + 3) / 4], repeating: 0)
    let y = Tensor(shape: [g.batch, g.out_channels, g.out_h, g.out_w]) { py in
        x.value.withUnsafeBufferPointer { px in
            workspace.withUnsafeBufferPointer { pw in
                checkDNNL(zoo_pool2d_forward(&g, Int32(kind.rawValue), px.baseAddress, py, UnsafeMutableRawPointer(mutating: pw.baseAddress)), name)
            }
        }
    }
    return Variable(y, inputs: [x]) { dy, _ in
        [Tensor(shape: x.shape) { pdx in
            dy.withUnsafeBufferPointer { pdy in
                workspace.withUnsafeBufferPointer { pw in
                    checkDNNL(zoo_pool2d_backward(&g, Int32(kind.rawValue), pdy.baseAddress, pw.baseAddress, pdx), "\(name) backward")
                }
            }
        }]
    }
}

/// The largest value of each window (stride defaults to the kernel, as in PyTorch).
public func maxPool2d(_ x: Variable, kernel: Pair, stride: Pair? = nil, padding: Pair = 0) -> Variable {
    pool2d(x, window: Window(kernel: kernel, stride: stride ?? kernel, padding: padding), kind: zoo_pooling_max, name: "maxPool2d")
}

/// The mean of each window, padding counted as zeros (stride defaults to the kernel).
public func avgPool2d(_ x: Variable, kernel: Pair, stride: Pair? = nil, padding: Pair = 0) -> Variable {
    pool2d(x, window: Window(kernel: kernel, stride: stride ?? kernel, padding: padding), kind: zoo_pooling_average, name: "avgPool2d")
}

/// Nearest-neighbour upsampling of x [n, c, h, w] by whole factors (PyTorch's
/// `F.interpolate(mode="nearest", scale_factor=...)`): each pixel becomes a factor-sized block.
public func upsampleNearest(_ x: Variable, scale: Pair) -> Variable {
    precondition(x.value.rank == 4, "upsampleNearest expects [n, c, h, w], got \(x.shape)")
    precondition(scale.height > 0 && scale.width > 0, "upsampleNearest: scale \(scale) must be positive")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let y = Tensor(shape: [n, c, h * scale.height, w * scale.width]) { py in
        x.value.withUnsafeBufferPointer { px in
            checkDNNL(zoo_upsample_nearest_forward(n, c, h, w, scale.height, scale.width, px.baseAddress, py), "upsampling")
        }
    }
    return Variable(y, inputs: [x]) { dy, _ in
        [Tensor(shape: x.shape) { pdx in
            dy.withUnsafeBufferPointer { pdy in
                checkDNNL(zoo_upsample_nearest_backward(n, c, h, w, scale.height, scale.width, pdy.baseAddress, pdx), "upsampling backward")
            }
        }]
    }
}
