import Dispatch
import Foundation

/// Named serial queues for engine work, with superseding: a job queued under a
/// `supersede` key is skipped if a newer job with the same key was queued
/// before it started.
///
/// Why: after three quick ratings only the newest profile's recommendations
/// matter — the UI drops stale results by generation anyway, so computing them
/// is wasted time that delays the result the user is waiting for. Fitting is
/// never superseded. Separate queues let recomputation with the models fitted
/// so far run while the slower models are still training.
///
/// Complexity: O(1) bookkeeping per job.
public final class BackgroundWork: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [String: DispatchQueue] = [:]
    private var latest: [String: Int] = [:]
    private var skipped = 0
    private let qos: DispatchQoS

    public init(qos: DispatchQoS = .userInitiated) {
        self.qos = qos
    }

    private func queue(_ name: String) -> DispatchQueue {
        lock.lock(); defer { lock.unlock() }
        if let q = queues[name] { return q }
        let q = DispatchQueue(label: "recsys-tui.\(name)", qos: qos)
        queues[name] = q
        return q
    }

    /// Runs `work` on the serial queue `queue`. With `supersede`, the work is
    /// skipped when a newer job with the same key is queued by the time it starts.
    public func run(on queue: String, supersede key: String? = nil, _ work: @escaping @Sendable () -> Void) {
        let ticket: Int
        if let key {
            lock.lock()
            ticket = (latest[key] ?? 0) + 1
            latest[key] = ticket
            lock.unlock()
        } else {
            ticket = 0
        }
        self.queue(queue).async { [self] in
            if let key {
                lock.lock()
                let stale = latest[key] != ticket
                if stale { skipped += 1 }
                lock.unlock()
                if stale { return }
            }
            work()
        }
    }

    /// Runs `body` on a fresh thread at a lower CPU priority and waits for it: `LowPriorityThread.run`
    /// with nice +`LowPriorityThread.engineIncrement` relative to the caller (fits are lowered by
    /// `EffectRunner` with `fitIncrement` instead, never both).
    ///
    /// Fits are long and CPU-bound; the explorer's key handling is short and must not wait behind
    /// them (class mode refits every model whenever classmates rate). The nice value dies with the
    /// thread, so no pooled thread is left slowed down.
    public static func runAtLowPriority(_ body: @escaping @Sendable () -> Void) {
        LowPriorityThread.run(increment: LowPriorityThread.engineIncrement, body)
    }

    /// Jobs skipped because a newer one superseded them.
    public var skippedCount: Int {
        lock.lock(); defer { lock.unlock() }
        return skipped
    }

    /// Blocks until every job queued so far on `queue` has finished (tests, shutdown).
    public func wait(for queue: String) {
        self.queue(queue).sync {}
    }
}
