import CZooKernels
import Synchronization

/// One convolution primitive run during some work: its pass and geometry. A benchmark replays
/// a training step's calls alone to find what the step would cost if everything but its
/// convolutions were free (the convolution limit), as `GEMM.shapes` does for matrix products.
public struct ConvolutionCall: Sendable, CustomStringConvertible {
    public enum Pass: String, Sendable { case forward, backwardData = "backward-data", backwardWeights = "backward-weights" }
    public let pass: Pass
    public let bias: Bool
    let geometry: zoo_conv2d

    /// Multiply-adds times two, the same for every pass of one convolution.
    public var flops: Double {
        let g = geometry
        return 2 * Double(g.batch * g.out_channels * g.out_h * g.out_w) * Double(g.in_channels * g.kernel_h * g.kernel_w)
    }

    public var description: String {
        let g = geometry
        return "\(pass.rawValue) n\(g.batch) \(g.in_channels)x\(g.in_h)x\(g.in_w) → \(g.out_channels)x\(g.out_h)x\(g.out_w) "
            + "k\(g.kernel_h)x\(g.kernel_w) s\(g.stride_h)x\(g.stride_w)"
    }

    /// The primitive run alone on buffers of its sizes (allocated once, here): call the result
    /// to run it again.
    public func replay() -> () -> Void {
        let g = geometry
        let input = Tensor(shape: [g.batch, g.in_channels, g.in_h, g.in_w], repeating: 0.01)
        let weight = Tensor(shape: [g.out_channels, g.in_channels, g.kernel_h, g.kernel_w], repeating: 0.02)
        let output = Tensor(shape: [g.batch, g.out_channels, g.out_h, g.out_w], repeating: 0.03)
        let biasTensor: Tensor? = bias ? Tensor(shape: [g.out_channels], repeating: 0.1) : nil
        switch pass {
        case .forward: return { _ = Convolution.forward(input, weight, bias: biasTensor, g) }
        case .backwardData: return { _ = Convolution.backwardData(weight, output, g) }
        case .backwardWeights: return { _ = Convolution.backwardWeights(input, output, g, bias: self.bias) }
        }
    }
}

extension Convolution {
    static let recording = Mutex<[ConvolutionCall]?>(nil)

    static func record(_ pass: ConvolutionCall.Pass, _ g: zoo_conv2d, bias: Bool) {
        recording.withLock { $0?.append(ConvolutionCall(pass: pass, bias: bias, geometry: g)) }
    }

    /// Every convolution primitive `body` runs, in order.
    public static func calls(during body: () throws -> Void) rethrows -> [ConvolutionCall] {
        recording.withLock { $0 = [] }
        defer { recording.withLock { $0 = nil } }
        try body()
        return recording.withLock { $0 ?? [] }
    }
}
