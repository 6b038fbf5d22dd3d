import Foundation

/// A thread-safe FIFO through which background work hands messages back to the run loop.
///
/// Any thread may `post`; the run loop calls `drain` between input polls, so
/// results arrive at most one input timeout (30 ms) after they are posted and
/// the loop never blocks on engine work. `coalescing` lets frequent messages
/// (fit progress) replace an earlier undelivered one of the same kind instead
/// of queueing up.
///
/// Complexity: `post` O(1) amortised (O(n) with a coalescing key); `drain` O(n).
public final class Mailbox<Message: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [(key: String?, message: Message)] = []

    public init() {}

    /// Queues a message. With `coalescingKey`, an undelivered message with the same key is replaced in place.
    public func post(_ message: Message, coalescingKey: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if let key = coalescingKey, let k = queue.firstIndex(where: { $0.key == key }) {
            queue[k].message = message
        } else {
            queue.append((coalescingKey, message))
        }
    }

    /// Removes and returns every queued message, oldest first.
    public func drain() -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        let out = queue.map(\.message)
        queue.removeAll(keepingCapacity: true)
        return out
    }

    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return queue.isEmpty
    }
}
