import XCTest
@testable import ZooTensor

/// Compares reverse-mode gradients with central finite differences.
///
/// The scalar checked is Σ f(x)·R for a fixed random R, summed in Double so that rounding in the
/// float32 outputs stays far below the tolerance; a wrong gradient is off by O(1), far above it.
func checkGradients(_ inputs: [Tensor], step h: Float = 1e-2, tolerance: Double = 2e-3,
                    file: StaticString = #filePath, line: UInt = #line,
                    _ f: ([Variable]) -> Variable) {
    if let mismatch = gradientMismatch(inputs, step: h, tolerance: tolerance, f) {
        XCTFail(mismatch, file: file, line: line)
    }
}

/// The first element where autodiff and finite differences disagree, or nil.
func gradientMismatch(_ inputs: [Tensor], step h: Float = 1e-2, tolerance: Double = 2e-3,
                      _ f: ([Variable]) -> Variable) -> String? {
    var generator = RandomGenerator(seed: 99)
    let probe = f(inputs.map { Variable($0) }).value
    let weights = generator.uniform(probe.shape, low: -1, high: 1)
    func objective(_ xs: [Tensor]) -> Double {
        let out = f(xs.map { Variable($0) }).value
        return zip(out.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    let parameters = inputs.map { Variable(parameter: $0) }
    let analytic = gradients(of: sum(f(parameters) * Variable(weights)), withRespectTo: parameters)

    for (which, input) in inputs.enumerated() {
        if analytic[which].shape != input.shape { return "gradient shape \(analytic[which].shape) for input \(which) of \(input.shape)" }
        for i in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[which][flat: i] += h
            minus[which][flat: i] -= h
            let numeric = (objective(plus) - objective(minus)) / Double(2 * h)
            let exact = Double(analytic[which][flat: i])
            let scale = max(1, abs(numeric), abs(exact))
            if abs(numeric - exact) > tolerance * scale {
                return "input \(which) element \(i): autodiff \(exact), finite difference \(numeric)"
            }
        }
    }
    return nil
}

/// Values in ±[0.2, 1.5]: away from the kinks of relu and friends, where differences mislead.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let magnitudes = generator.uniform(shape, low: 0.2, high: 1.5)
    return Tensor(shape: shape, magnitudes.scalars.map { generator.uniform() < 0.5 ? -$0 : $0 })
}

func uniformTensor(_ shape: [Int], _ low: Float, _ high: Float, seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return generator.uniform(shape, low: low, high: high)
}
