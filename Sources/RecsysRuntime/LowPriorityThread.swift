import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a fresh thread whose scheduling priority is lowered (nice +`niceIncrement` on
/// Linux) and waits for it, so a fit or a recompute competes less with the explorer's UI thread for
/// the cores: the terminal stays responsive while models train. The thread ends with the work, so
/// no pooled thread keeps the lowered priority (an unprivileged process could not raise it back).
///
/// Why +5 and not more: the increment is relative to the caller, and CFS gives a thread a CPU share
/// by weight (nice 0: 1024, +5: 335, +10: 110, +19: 15). At +10 — and at +19, where a fit landed when
/// two layers each added 10 — a fit on a laptop busy with anything else (a browser, a build) got a
/// few percent of a core: als took 1,368 s in the explorer on the 25M shape against 10.5 s at 5M in
/// `bench`. At +5 the UI thread still wins a contended core about 3 to 1, and a fit still advances.
/// Every background job is lowered here, once.
public enum LowPriorityThread {
    /// The nice increment of background (fit and engine) threads.
    public static let niceIncrement: Int32 = 5

    public static func run(_ work: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            lowerCurrentThread()
            work()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        done.wait()
    }

    /// Lowers the calling thread's priority; elsewhere than Linux a no-op. On Linux the nice value is
    /// per thread, and `who` 0 with PRIO_PROCESS names the calling thread (setpriority(2), NOTES).
    static func lowerCurrentThread() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        _ = setpriority(which, 0, min(19, getpriority(which, 0) + niceIncrement))
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
