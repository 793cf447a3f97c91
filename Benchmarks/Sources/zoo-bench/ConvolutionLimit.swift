import Foundation
import Zoo

/// The median of `count` timings of `body` after `warmup` untimed calls, in seconds.
func medianSeconds(warmup: Int = 3, count: Int = 9, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    let times = (0..<count).map { _ -> Double in
        let start = Date()
        body()
        return Date().timeIntervalSince(start)
    }
    return times.sorted()[count / 2]
}

/// A training step timed whole, and its own convolution primitives and GEMMs replayed alone,
/// each on buffers of its sizes: how close the step comes to what its convolutions (and
/// products) cost with everything else free. `name` labels the step. Prints one JSON line.
func convolutionLimit(name: String, batch: Int, threads: Int, step body: () -> Void) throws {
    let step = medianSeconds(body)
    var shapes: [GEMMShape] = []
    let calls = Convolution.calls { shapes = GEMM.shapes(during: body) }
    let replays = calls.map { $0.replay() }
    let convolutions = medianSeconds { replays.forEach { $0() } }
    let operands = shapes.map { s in
        (Tensor(shape: s.transposeA ? [s.k, s.m] : [s.m, s.k], repeating: 0.01),
         Tensor(shape: s.transposeB ? [s.n, s.k] : [s.k, s.n], repeating: 0.02))
    }
    var outputs = shapes.map { Tensor(shape: [$0.m, $0.n], repeating: 0) }
    let products = medianSeconds {
        for (i, s) in shapes.enumerated() {
            GEMM.accumulate(operands[i].0, operands[i].1, transposeA: s.transposeA, transposeB: s.transposeB, into: &outputs[i], beta: 0)
        }
    }
    if ProcessInfo.processInfo.environment["ZOO_BENCH_VERBOSE"] != nil {
        for (call, replay) in zip(calls, replays) {
            let t = medianSeconds(warmup: 2, count: 7, replay)
            FileHandle.standardError.write(Data("\(call): \(String(format: "%.2f", t * 1e3)) ms, \(String(format: "%.0f", call.flops / t / 1e9)) GFLOP/s\n".utf8))
        }
    }
    let flops = calls.reduce(0) { $0 + $1.flops }, gemmFlops = shapes.reduce(0) { $0 + $1.flops }
    let object: [String: Any] = [
        "model": name, "batch": batch, "threads": threads,
        "convolution_gflop_per_step": flops / 1e9, "gemm_gflop_per_step": gemmFlops / 1e9,
        "step_ms": step * 1e3, "convolution_ms": convolutions * 1e3, "gemm_ms": products * 1e3,
        "convolutions_per_step": calls.count, "gemms_per_step": shapes.count,
        "convolution_gflops": flops / convolutions / 1e9,
        "step_vs_convolutions": step / convolutions, "step_vs_convolutions_and_gemms": step / (convolutions + products),
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
