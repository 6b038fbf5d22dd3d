import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a fresh thread whose scheduling priority is lowered (nice + an increment on Linux)
/// and waits for it, so background work competes less with the explorer's UI thread for the cores:
/// the terminal stays responsive while models train. The thread ends with the work, so no pooled
/// thread keeps the lowered priority (an unprivileged process could not raise it back).
///
/// The increments: fits +`fitIncrement`, other engine jobs (a recompute a learner waits for after
/// a rating) +`engineIncrement`, so key handling beats a recompute and a recompute beats a fit. CFS
/// shares a core by weight (nice 0: 1024, +3: 526, +8: 172, +10: 110, +19: 15), among the threads of
/// one autogroup (a terminal session) where autogroup is on, else among every process. Fits used to
/// be lowered twice, +10 by the queue and +10 by the fit's thread (nice 19): with no autogroup and a
/// busy machine that is a few percent of a core. Each job is now lowered once.
public enum LowPriorityThread {
    /// The nice increment of fit threads.
    public static let fitIncrement: Int32 = 8
    /// The nice increment of the other engine jobs (recompute, explain, similar…).
    public static let engineIncrement: Int32 = 3

    public static func run(increment: Int32 = fitIncrement, _ work: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            lowerCurrentThread(by: increment)
            work()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        done.wait()
    }

    /// Lowers the calling thread's priority; elsewhere than Linux a no-op. On Linux the nice value is
    /// per thread, and `who` 0 with PRIO_PROCESS names the calling thread (setpriority(2), NOTES).
    static func lowerCurrentThread(by increment: Int32) {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        _ = setpriority(which, 0, min(19, getpriority(which, 0) + increment))
        #endif
    }

    /// The calling thread's nice value (Linux; 0 elsewhere).
    public static func currentNice() -> Int32 {
        #if os(Linux)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
