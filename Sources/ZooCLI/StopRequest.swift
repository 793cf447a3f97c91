import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during training: the first asks training to stop after the step
/// it is in, with that step checkpointed, so nothing done is lost and `zoo resume` continues
/// exactly; a second one ends the process at once.
///
/// The signals are received by a thread of their own (sigwait), never by a handler that
/// interrupts the math: the threads doing it (this one and the math threads it starts later,
/// which inherit its signal mask) block them. A signal that interrupted oneDNN's or zoo's
/// kernels at random moments corrupted the heap about once in 20 stops on this machine's
/// AVX-512 virtual machine; received this way, none did in 200.
enum StopRequest {
    /// The signal that asked to stop, or 0.
    private static let signalNumber = Atomic<Int32>(0)

    static var isRequested: Bool { signalNumber.load(ordering: .relaxed) != 0 }

    /// The exit status of a process stopped by that signal, as the shell reports one killed
    /// by it: 130 for SIGINT, 143 for SIGTERM.
    static var exitStatus: Int32 { 128 + signalNumber.load(ordering: .relaxed) }

    /// Starts listening; call it before anything is printed, so no Ctrl-C falls between, and
    /// before any math, so the math threads start with the signals blocked. Under mpirun
    /// (`keepListening`) a second signal is not taken as "exit now": Ctrl-C in a terminal
    /// reaches the processes directly and again as the SIGTERM mpirun forwards, and mpirun
    /// itself kills them if they take too long.
    static func install(keepListening: Bool = false) {
        _ = isRequested  // initialise the global before the listener can touch it
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // Threads started before this one (a library's, at load time) do not block them; one
        // delivered there only sets the flag.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in StopRequest.record(number) }
        sigemptyset(&action.sa_mask)
        for number in [SIGINT, SIGTERM] { sigaction(number, &action, nil) }

        let waitedFor = signals
        let listener = Thread {
            var signals = waitedFor
            while true {
                var number: Int32 = 0
                guard sigwait(&signals, &number) == 0 else { continue }
                if isRequested && !keepListening {
                    // The second: the default action, as if no one listened (the process ends
                    // "killed by" it, exit status 128 + number).
                    signal(number, SIG_DFL)
                    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
                    raise(number)
                }
                record(number)
            }
        }
        listener.name = "zoo-signals"
        listener.start()
    }

    /// Keeps the first signal's number (an atomic store: all a signal handler may do).
    fileprivate static func record(_ number: Int32) {
        if !isRequested { signalNumber.store(number, ordering: .relaxed) }
    }
}
