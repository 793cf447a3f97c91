import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during training: the first asks training to stop after the step
/// it is in, with that step checkpointed, so nothing done is lost and `zoo resume` continues
/// exactly; the handler then resets itself, so a second one ends the process at once.
enum StopRequest {
    /// The signal that asked to stop, or 0. An atomic store is all a signal handler may do.
    private static let signalNumber = Atomic<Int32>(0)

    static var isRequested: Bool { signalNumber.load(ordering: .relaxed) != 0 }

    /// The exit status of a process stopped by that signal, as the shell reports one killed
    /// by it: 130 for SIGINT, 143 for SIGTERM.
    static var exitStatus: Int32 { 128 + signalNumber.load(ordering: .relaxed) }

    /// Installs the handlers; call it before anything is printed, so no Ctrl-C falls between.
    /// Under mpirun (`keepHandler`) a second signal is not taken as "exit now": Ctrl-C in a
    /// terminal reaches the processes directly and again as the SIGTERM mpirun forwards, and
    /// mpirun itself kills them if they take too long.
    static func install(keepHandler: Bool = false) {
        _ = isRequested  // initialise the global now, not inside the handler
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            if !StopRequest.isRequested { StopRequest.signalNumber.store(number, ordering: .relaxed) }
        }
        // SA_RESETHAND (0x80000000): the next one takes the default action, exit.
        action.sa_flags = keepHandler ? 0 : Int32(truncatingIfNeeded: SA_RESETHAND)
        sigemptyset(&action.sa_mask)
        for number in [SIGINT, SIGTERM] { sigaction(number, &action, nil) }
    }
}
