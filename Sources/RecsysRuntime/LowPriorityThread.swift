import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a fresh thread whose scheduling priority is lowered (nice +10 on Linux) and waits
/// for it, so a fit competes less with the explorer's UI thread for the cores: the terminal stays
/// responsive while models train. The thread ends with the work, so no pooled thread keeps the
/// lowered priority (an unprivileged process could not raise it back).
public enum LowPriorityThread {
    /// The nice increment of fit threads.
    public static let niceIncrement: Int32 = 10

    public static func run(_ work: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            lowerCurrentThread()
            work()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
    }

    /// Lowers the calling thread's priority; elsewhere than Linux a no-op. On Linux the nice value is
    /// per thread, and `who` 0 with PRIO_PROCESS names the calling thread (setpriority(2), NOTES).
    static func lowerCurrentThread() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        _ = setpriority(which, 0, getpriority(which, 0) + niceIncrement)
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
