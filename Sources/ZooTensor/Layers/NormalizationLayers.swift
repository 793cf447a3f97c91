/// PyTorch's `nn.BatchNorm1d` / `nn.BatchNorm2d` over the channels of [n, c] or [n, c, h, w]:
/// weight γ = 1 and bias β = 0 (parameters); running_mean = 0, running_var = 1 and
/// num_batches_tracked = 0 (buffers).
///
/// Training normalizes with the batch's statistics and moves the running ones towards them:
/// running = (1 − momentum)·running + momentum·batch, with the batch variance unbiased
/// (·m/(m − 1) for m values per channel) as PyTorch does. Evaluation uses the running ones.
public final class BatchNorm: Layer {
    public let weight: Variable
    public let bias: Variable
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let batchesTracked: Buffer
    public let epsilon: Float
    public let momentum: Float
    public private(set) var isTraining = true

    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        precondition(features > 0, "BatchNorm needs a positive feature count, got \(features)")
        precondition(epsilon > 0 && (0...1).contains(momentum), "BatchNorm: epsilon \(epsilon) must be positive and momentum \(momentum) in [0, 1]")
        weight = Variable(parameter: Tensor(shape: [features], repeating: 1))
        bias = Variable(parameter: .zeros([features]))
        runningMean = Buffer(.zeros([features]))
        runningVar = Buffer(Tensor(shape: [features], repeating: 1), isVariance: true)
        batchesTracked = Buffer(Tensor(0), isCount: true)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        guard isTraining else {
            return batchNorm(x, weight: weight, bias: bias, epsilon: epsilon,
                             statistics: (runningMean.value, runningVar.value)).output
        }
        let (y, mean, variance) = batchNorm(x, weight: weight, bias: bias, epsilon: epsilon)
        let m = Float(x.value.count / x.shape[1])
        runningMean.value = runningMean.value * (1 - momentum) + mean * momentum
        runningVar.value = runningVar.value * (1 - momentum) + variance * (momentum * m / (m - 1))
        batchesTracked.value = Tensor(batchesTracked.value.scalar + 1)
        return y
    }

    public func setTraining(_ training: Bool) { isTraining = training }
    public var namedParameters: [(name: String, parameter: Variable)] { [("weight", weight), ("bias", bias)] }
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", batchesTracked)]
    }
}

/// PyTorch's names for the two uses of the one layer.
public typealias BatchNorm1d = BatchNorm
public typealias BatchNorm2d = BatchNorm

/// PyTorch's `nn.Dropout`: in training, zeroes each element with probability p (drawn from the
/// run's generator) and scales the rest by 1/(1 − p); in evaluation, the identity.
public final class Dropout: Layer {
    public let probability: Float
    public private(set) var isTraining = true

    public init(_ probability: Float) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    public func callAsFunction(_ x: Variable, generator: inout RandomGenerator) -> Variable {
        isTraining ? dropout(x, probability: probability, generator: &generator) : x
    }

    /// Without a generator dropout cannot draw its mask: only evaluation may call this.
    public func callAsFunction(_ x: Variable) -> Variable {
        precondition(!isTraining || probability == 0, "Dropout in training draws from the run's generator: call layer(x, generator: &generator)")
        return x
    }

    public func setTraining(_ training: Bool) { isTraining = training }
}
