import CBench
import Foundation
import ZooModels
import ZooMPI

// zoo-bench: one measurement per process, printed as one JSON line for ./run to collect.
//   zoo-bench train MODEL EPOCHS BATCH THREADS [IMAGES]
//                                                seconds per epoch (data preloaded as bytes); with IMAGES,
//                                                each epoch is the first IMAGES training images only
//   zoo-bench gemm MODEL BATCH THREADS           the GEMM limit: a step's own GEMMs replayed alone,
//                                                through plain dnnl_sgemm and through zoo's GEMM
//   zoo-bench sample MODEL COUNT THREADS         in-process generation time of COUNT images
//   zoo-bench peak THREADS                       the CPU's FMA peak, GFLOP/s: no GEMM beats it
//   zoo-bench conv BATCH THREADS                 a DCGAN-sized step against its own convolution primitives
//                                                (and GEMMs) replayed alone: the convolution limit
//   zoo-bench conv MODEL BATCH THREADS           the same for the registered MODEL's own training step
//   mpirun -np N zoo-bench allreduce MODEL STEPS THREADS
//                                                data-parallel training on N processes: seconds per step
//                                                (epochs of STEPS steps of 128), the bytes each step
//                                                allreduces, and those allreduces timed alone

ModelRegistry.register(builtinModels)
let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "peak", let threads = Int(arguments[2]) {
    print(#"{"threads":\#(threads),"fma_peak_gflops":\#(zoo_fma_peak_gflops(Int32(threads), 0.5))}"#)
    exit(0)
}
if arguments.count == 4, arguments[1] == "conv", let batch = Int(arguments[2]), let threads = Int(arguments[3]) {
    // The bench's own DCGAN step (real and fake in one D pass), kept as RESULTS.md measured it.
    ComputeThreads.set(threads)
    let real = ImageSet(try ImageDataset.load(.mnist), .train).tensor(0..<batch, range: .symmetric)
    let model = DCGANStep()
    try convolutionLimit(name: "dcgan-28 (TensorFlow tutorial networks)", batch: batch, threads: threads) { model.step(real) }
    exit(0)
}
guard (5...7).contains(arguments.count) else {
    FileHandle.standardError.write(Data("usage: zoo-bench train MODEL EPOCHS BATCH THREADS [IMAGES] | gemm MODEL BATCH THREADS | sample MODEL COUNT THREADS | peak THREADS | conv [MODEL] BATCH THREADS | allreduce MODEL STEPS THREADS\n".utf8))
    exit(2)
}
let mode = arguments[1], modelType = try ModelRegistry.model(named: arguments[2])
let numbers = arguments[3...].map { Int($0)! }
// THREADS follows EPOCHS and BATCH in `train`, the one number before it elsewhere.
ComputeThreads.set(mode == "train" ? numbers[2] : numbers[1])

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
func now() -> Double { Date().timeIntervalSinceReferenceDate }
/// Seconds per call of `body`: after 20 warm-up calls, the median of 15 timings of 10 calls each.
func secondsPerCall(_ body: () -> Void) -> Double {
    for _ in 0..<20 { body() }
    let times = (0..<15).map { _ in
        let start = now()
        for _ in 0..<10 { body() }
        return (now() - start) / 10
    }
    return median(times)
}

let mnist = try ImageDataset.load(.mnist)
let train = ImageSet(mnist, .train), test = ImageSet(mnist, .test)

switch mode {
case "train":
    var settings = modelType.defaultTraining
    settings.epochs = numbers[0]
    settings.batchSize = numbers[1]
    let run = try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
    // The conv models take minutes per epoch: the harness times a prefix and scales it.
    let images = numbers.count > 3 ? train.prefix(numbers[3]) : train
    var seconds: [Double] = []
    var last: EpochRecord?
    while !run.isFinished {
        let record = try run.trainEpoch(train: images, test: test.prefix(1000))
        seconds.append(run.lastEpochStepSeconds ?? record.seconds)  // the steps alone, as the peers time theirs
        last = record
    }
    emit(["model": modelType.name, "threads": numbers[2], "batch": numbers[1], "epoch_seconds": seconds,
          "images_per_epoch": images.count, "peak_mib": peakMemoryMiB(), "losses": last?.losses ?? [:]])

case "gemm":
    var settings = modelType.defaultTraining
    settings.batchSize = numbers[0]
    let run = try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
    let batch = train.tensor(0..<settings.batchSize, range: modelType.pixelRange)
    var generator = RandomGenerator(seed: 1)
    let optimizers = run.optimizers.map(\.optimizer)
    let labels = train.labels.prefix(settings.batchSize).map(Int.init)
    let shapes = GEMM.shapes { _ = run.model.trainStep(batch, labels: labels, optimizers: optimizers, generator: &generator) }
    // Replay exactly those products on preallocated operands: what the step would cost if
    // everything but the GEMMs were free.
    let operands = shapes.map { s -> (Tensor, Tensor, Tensor) in
        (Tensor(shape: s.transposeA ? [s.k, s.m] : [s.m, s.k], repeating: 0.01),
         Tensor(shape: s.transposeB ? [s.n, s.k] : [s.k, s.n], repeating: 0.02),
         Tensor(shape: [s.m, s.n], repeating: 0))
    }
    var outputs = operands.map(\.2)
    func replay() {
        for (i, s) in shapes.enumerated() {
            GEMM.accumulate(operands[i].0, operands[i].1, transposeA: s.transposeA, transposeB: s.transposeB, into: &outputs[i], beta: 0)
        }
    }
    let perStep = secondsPerCall(replay)
    // The same products through plain dnnl_sgemm, as the speed issue defines the limit. zoo's
    // own GEMM (above) is faster where it uses oneDNN's matmul primitives instead.
    func replaySgemm() {
        for (i, s) in shapes.enumerated() {
            operands[i].0.withUnsafeBufferPointer { a in
                operands[i].1.withUnsafeBufferPointer { b in
                    outputs[i].withUnsafeMutableBufferPointer { c in
                        let status = zoo_bench_sgemm(s.transposeA ? 1 : 0, s.transposeB ? 1 : 0, s.m, s.n, s.k,
                                                     a.baseAddress, b.baseAddress, c.baseAddress)
                        precondition(status == 0, "dnnl_sgemm failed with status \(status)")
                    }
                }
            }
        }
    }
    let sgemmPerStep = secondsPerCall(replaySgemm)
    if ProcessInfo.processInfo.environment["ZOO_BENCH_VERBOSE"] != nil {
        for (i, s) in shapes.enumerated() {
            var samples: [Double] = []
            for _ in 0..<50 {
                let start = now()
                GEMM.accumulate(operands[i].0, operands[i].1, transposeA: s.transposeA, transposeB: s.transposeB, into: &outputs[i], beta: 0)
                samples.append(now() - start)
            }
            let t = median(samples)
            FileHandle.standardError.write(Data("\(s.transposeA ? "T" : "N")\(s.transposeB ? "T" : "N") m \(s.m) n \(s.n) k \(s.k): \(String(format: "%.1f", t * 1e6)) µs, \(String(format: "%.0f", s.flops / t / 1e9)) GFLOP/s\n".utf8))
        }
    }
    let flops = shapes.reduce(0) { $0 + $1.flops }
    let steps = (train.count + settings.batchSize - 1) / settings.batchSize
    emit(["model": modelType.name, "threads": numbers[1], "batch": numbers[0], "gemms_per_step": shapes.count,
          "gflop_per_epoch": flops * Double(steps) / 1e9, "gemm_seconds_per_epoch": perStep * Double(steps),
          "gemm_gflops": flops / perStep / 1e9, "sgemm_seconds_per_epoch": sgemmPerStep * Double(steps)])

case "conv":
    // The model's own step, as `zoo train` runs it: training mode (batch statistics, dropout).
    var settings = modelType.defaultTraining
    settings.batchSize = numbers[0]
    let run = try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
    let batch = train.tensor(0..<settings.batchSize, range: modelType.pixelRange)
    let labels = train.labels.prefix(settings.batchSize).map(Int.init)
    let optimizers = run.optimizers.map(\.optimizer)
    var generator = RandomGenerator(seed: 1)
    run.model.setTraining(true)
    try convolutionLimit(name: modelType.name, batch: numbers[0], threads: numbers[1]) {
        _ = run.model.trainStep(batch, labels: labels, optimizers: optimizers, generator: &generator)
    }

case "sample":
    var generator = RandomGenerator(seed: 1)
    guard let model = try modelType.make(hyperparametersJSON: modelType.defaultHyperparametersJSON, imageShape: .mnist,
                                         classCount: 10, generator: &generator) as? any GenerativeModel else {
        FileHandle.standardError.write(Data("zoo-bench sample: \(modelType.name) is not a generative model\n".utf8))
        exit(2)
    }
    for _ in 0..<50 { _ = model.sample(numbers[0], generator: &generator) }
    var times: [Double] = []
    for _ in 0..<200 {
        let start = now()
        _ = model.sample(numbers[0], generator: &generator)
        times.append(now() - start)
    }
    let flops = GEMM.shapes { _ = model.sample(numbers[0], generator: &generator) }.reduce(0) { $0 + $1.flops }
    emit(["model": modelType.name, "threads": numbers[1], "count": numbers[0], "sample_ms": median(times) * 1000, "gflop": flops / 1e9])

case "phases":
    // Where an AE-shaped step's time goes: forward, backward, optimizer.
    var generator = RandomGenerator(seed: 1)
    let encoder = try! Sequential.perceptron([784, 256, 128, 2], activation: { .relu }, generator: &generator)
    let decoder = try! Sequential.perceptron([2, 128, 256, 784], activation: { .relu }, output: .sigmoid, generator: &generator)
    let parameters = encoder.namedParameters + decoder.namedParameters
    let adam = Adam(parameters: parameters)
    let batches = train.batches(size: numbers[0], range: .unit)
    var forward = 0.0, backward = 0.0, update = 0.0, data = 0.0
    for i in 0..<batches.count {
        let t0 = now()
        let x = batches.batch(i)
        let t1 = now()
        let loss = mseLoss(decoder(encoder(Variable(x))), x)
        let t2 = now()
        let g = gradients(of: loss, withRespectTo: parameters.map(\.parameter))
        let t3 = now()
        adam.step(g)
        let t4 = now()
        if i >= 20 { data += t1 - t0; forward += t2 - t1; backward += t3 - t2; update += t4 - t3 }
    }
    let steps = Double(batches.count - 20) / 1000
    emit(["data_ms": data / steps, "forward_ms": forward / steps, "backward_ms": backward / steps, "adam_ms": update / steps])

case "allreduce":
    // Under mpirun: one warm-up epoch and one timed epoch of STEPS global batches of 128, as
    // `mpirun -np N zoo train` runs them (shards, gradient averaging, loss and buffer exchange).
    let group = try MPILaunch.processGroup()
    let steps = numbers[0]
    var settings = modelType.defaultTraining
    settings.epochs = 2
    let run = try TrainingRun.start(modelType, hyperparametersJSON: modelType.defaultHyperparametersJSON, settings: settings)
    run.group = group
    let images = train.prefix(steps * settings.batchSize)
    while !run.isFinished { try run.trainEpoch(train: images, test: test.prefix(250)) }
    let stepSeconds = run.lastEpochStepSeconds! / Double(steps)
    // The collectives alone: each optimizer's gradients in one buffer, as each step sends them.
    let counts = run.optimizers.map { $0.optimizer.parameters.reduce(0) { $0 + $1.parameter.value.count } }
    var buffers = counts.map { [Float](repeating: 0, count: $0) }
    let allreduceSeconds = secondsPerCall {
        for i in buffers.indices { try! buffers[i].withUnsafeMutableBufferPointer { try group.sum($0) } }
    }
    if group.isRoot {
        emit(["model": modelType.name, "processes": group.size, "threads": numbers[1], "batch": settings.batchSize,
              "step_seconds": stepSeconds, "bytes_per_step": counts.reduce(0, +) * MemoryLayout<Float>.size,
              "allreduces_per_step": counts.count, "allreduce_seconds_per_step": allreduceSeconds])
    }
    MPILaunch.finish()

default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}
