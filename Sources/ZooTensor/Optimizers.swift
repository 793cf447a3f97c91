import CZooKernels

/// Updates parameters from their gradients. Its state (moments, step counts) is a set of named
/// tensors, "<parameter>.<slot>", so a checkpoint can store and restore it exactly.
public protocol Optimizer: AnyObject {
    var parameters: [(name: String, parameter: Variable)] { get }
    var learningRate: Float { get set }
    /// Applies one update; `gradients` is aligned with `parameters`.
    func step(_ gradients: [Tensor])
    var state: [String: Tensor] { get }
    /// Restores `state`; throws if a tensor is missing or has the wrong shape.
    func load(state: [String: Tensor]) throws
}

public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Per-parameter slots of equal shape to the parameter ("exp_avg", ...) plus a scalar "step":
/// the bookkeeping Adam and SGD share.
public class SlotOptimizer {
    public let parameters: [(name: String, parameter: Variable)]
    let slotNames: [String]
    /// Slots that hold running means of squares, never negative in any real run.
    let nonNegativeSlots: Set<String>
    var slots: [[Tensor]]  // slots[parameter][slot]
    var steps: [Int]

    init(parameters: [(name: String, parameter: Variable)], slotNames: [String], nonNegativeSlots: Set<String> = []) {
        self.parameters = parameters
        self.slotNames = slotNames
        self.nonNegativeSlots = nonNegativeSlots
        slots = parameters.map { p in slotNames.map { _ in Tensor.zeros(p.parameter.shape) } }
        steps = Array(repeating: 0, count: parameters.count)
    }

    public var state: [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (i, p) in parameters.enumerated() {
            state["\(p.name).step"] = Tensor(Float(steps[i]))
            for (slot, name) in slotNames.enumerated() { state["\(p.name).\(name)"] = slots[i][slot] }
        }
        return state
    }

    public func load(state: [String: Tensor]) throws {
        var newSlots = slots, newSteps = steps
        for (i, p) in parameters.enumerated() {
            guard let step = state["\(p.name).step"], step.count == 1, step.scalar >= 0, let count = Int(exactly: step.scalar) else {
                throw OptimizerStateError(description: "optimizer state: missing or invalid \(p.name).step")
            }
            newSteps[i] = count
            for (slot, name) in slotNames.enumerated() {
                guard let tensor = state["\(p.name).\(name)"] else {
                    throw OptimizerStateError(description: "optimizer state: missing \(p.name).\(name)")
                }
                guard tensor.shape == p.parameter.shape else {
                    throw OptimizerStateError(description: "optimizer state: \(p.name).\(name) has shape \(tensor.shape), expected \(p.parameter.shape)")
                }
                // A running mean of squares is never negative (checkpoint readers refuse
                // non-finite numbers everywhere already).
                if nonNegativeSlots.contains(name), let bad = tensor.scalars.first(where: { !($0 >= 0) }) {
                    throw OptimizerStateError(description: "optimizer state: \(p.name).\(name) holds \(bad), expected numbers >= 0 (a running mean of squares)")
                }
                newSlots[i][slot] = tensor
            }
        }
        slots = newSlots
        steps = newSteps
    }

    /// Runs `update(parameter, gradient, slots, step)` on raw buffers for each parameter.
    func forEachParameter(_ gradients: [Tensor],
                          _ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int, Int) -> Void) {
        precondition(gradients.count == parameters.count, "\(gradients.count) gradients for \(parameters.count) parameters")
        for (i, p) in parameters.enumerated() {
            precondition(gradients[i].shape == p.parameter.shape, "gradient \(gradients[i].shape) for \(p.name) \(p.parameter.shape)")
            steps[i] += 1
            let step = steps[i]
            gradients[i].withUnsafeBufferPointer { g in
                p.parameter.value.withUnsafeMutableBufferPointer { w in
                    let buffers = slots[i].indices.map { slot in
                        slots[i][slot].withUnsafeMutableBufferPointer { $0.baseAddress! }
                    }
                    update(w.baseAddress!, g.baseAddress!, buffers, w.count, step)
                    withExtendedLifetime(slots[i]) {}
                }
            }
        }
    }
}

/// Adam with PyTorch's semantics: bias-corrected moments, eps added outside the square root.
public final class Adam: SlotOptimizer, Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float

    public init(parameters: [(name: String, parameter: Variable)], learningRate: Float = 1e-3,
                betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.epsilon = epsilon
        super.init(parameters: parameters, slotNames: ["exp_avg", "exp_avg_sq"], nonNegativeSlots: ["exp_avg_sq"])
    }

    public func step(_ gradients: [Tensor]) {
        forEachParameter(gradients) { p, g, slots, n, step in
            let correction1 = 1 - Float(_pow(Double(beta1), Double(step)))
            let correction2 = 1 - Float(_pow(Double(beta2), Double(step)))
            zoo_adam(p, g, slots[0], slots[1], n, learningRate, beta1, beta2, epsilon, correction1, correction2)
        }
    }
}

/// SGD with momentum, as PyTorch's (no dampening, no Nesterov).
public final class SGD: SlotOptimizer, Optimizer {
    public var learningRate: Float
    public let momentum: Float

    public init(parameters: [(name: String, parameter: Variable)], learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        super.init(parameters: parameters, slotNames: ["momentum_buffer"])
    }

    public func step(_ gradients: [Tensor]) {
        forEachParameter(gradients) { p, g, slots, n, step in
            // PyTorch starts the buffer at the first gradient itself.
            zoo_sgd(p, g, slots[0], n, learningRate, step == 1 ? 0 : momentum)
        }
    }
}
