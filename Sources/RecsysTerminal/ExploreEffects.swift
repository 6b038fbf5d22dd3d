import Foundation
import RecsysEngine
import RecsysUI

/// Runs the UI core's effects: store writes synchronously on the UI thread, engine
/// jobs on background queues, quit by ending the loop.
///
/// Store effects (`saveRating`, `removeRating`, `loadProfile`, `export`) run
/// *inside* the dispatch of the message that asked for them, and their reply
/// (`.saved`) is applied before the next frame is drawn: the screen can only say
/// a rating is saved once it is on disk (the store fsyncs before returning), and
/// writes land in the order they were made (rate, then undo). A write costs one
/// durable commit (an fsync: about a millisecond on an idle disk, tens under
/// heavy I/O), paid only by keys that change a rating.
///
/// Engine effects run off the UI thread: fitting on its own serial queue, the
/// rest (recompute, predict, explain, similar, users) on another, so
/// recommendations from the models fitted so far keep coming while slower models
/// train. A queued job of the same kind that a newer one supersedes is skipped
/// (the UI would drop its stale result anyway). Fit progress is coalesced per
/// algorithm so a fast-reporting model cannot flood the mailbox.
public final class ExploreEffects: @unchecked Sendable {
    public let store: any ProfileStoring
    /// The background queues (exposed so tests can wait for them).
    public let work = BackgroundWork()

    public init(store: any ProfileStoring) {
        self.store = store
    }

    /// A thread-safe list collecting the replies of a synchronous effect.
    final class Replies: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Message] = []
        func add(_ m: Message) { lock.lock(); items.append(m); lock.unlock() }
        var all: [Message] { lock.lock(); defer { lock.unlock() }; return items }
    }

    /// Runs `effect`: returns the replies of synchronous (store) effects, posts those of engine effects later.
    public func perform(_ effect: Effect, context: EffectContext<Message>) -> [Message] {
        switch effect.lane {
        case .quit:
            context.requestQuit()
            return []
        case .store:
            let replies = Replies()
            effect.perform(store: store) { replies.add($0) }
            return replies.all
        case .engine:
            let store = self.store
            let (queue, supersede) = ExploreEffects.placement(of: effect)
            work.run(on: queue, supersede: supersede) {
                effect.perform(store: store) { message in
                    context.post(message, coalescingKey: ExploreEffects.coalescingKey(of: message))
                }
            }
            return []
        }
    }

    /// Which queue an engine effect runs on, and its superseding key.
    public static func placement(of effect: Effect) -> (queue: String, supersede: String?) {
        switch effect {
        case .fitModels: return ("fit", nil)
        case .recompute: return ("engine", "recompute")
        case .predict: return ("engine", "predict")
        case .explain: return ("engine", "explain")
        case .similar: return ("engine", "similar")
        case .userDetails: return ("engine", "users")
        default: return ("engine", nil)
        }
    }

    /// Fit progress of one algorithm replaces its undelivered predecessor in the mailbox.
    public static func coalescingKey(of message: Message) -> String? {
        if case .fitProgress(let algorithm, _) = message { return "fit:" + algorithm }
        return nil
    }
}
