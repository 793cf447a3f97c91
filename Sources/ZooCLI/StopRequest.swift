import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during training: the first asks training to stop after the step
/// it is in, with that step checkpointed, so nothing done is lost and `zoo resume` continues
/// exactly; a second ends the process at once, as usual.
enum StopRequest {
    private static let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Installs the handlers (once).
    static func install() {
        guard sources.isEmpty else { return }
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                flag.store(true, ordering: .relaxed)
                signal(number, SIG_DFL)
            }
            source.resume()
            sources.append(source)
        }
    }
}
