import Foundation
import RecsysEngine
import RecsysUI

/// The explorer's effect scheduler: which queue each effect runs on.
///
/// - Store effects (`saveRating`, `removeRating`, `loadProfile`, `saveDemographics`, `export`) run
///   in order on ONE serial queue, "store", off the UI thread. Their reply
///   (`.saved`) is posted only after the store has made the write durable (it
///   fsyncs before returning), so the status line says "saving…" until the
///   rating is on disk and "saved" after. Rate then undo land in that order.
///   `finish()` waits for the queue, so quitting never loses a rating.
/// - Engine effects run off the UI thread: fitting on one serial queue per fit lane
///   ("fit", "fit.1"; the UI core's `FitPlan` starts at most one job per lane), the rest (recompute, predict, explain, similar, users, map) on
///   "engine", so recommendations from the models fitted so far keep coming
///   while slower models train; a lab run (minutes) has its own queue ("lab").
///   A queued job of the same kind that a newer one supersedes is skipped (the
///   UI would drop its stale result anyway).
/// - Fit and lab progress are coalesced per algorithm so a fast-reporting job
///   cannot flood the mailbox.
///
/// - Everything but the store runs on a thread lowered once (`LowPriorityThread`): engine jobs by
///   +3 here, a fit by +8 in `EffectRunner` (its own thread), never both (two layers of +10 once left
///   fits at nice 19). Key handling wins a contended core over a recompute, a recompute over a fit
///   (class mode refits while learners press keys), and a fit still advances on a busy machine.
///
/// The queue names are the app's: the terminal backend only sees a `schedule` closure.
public final class ExploreEffects: Sendable {
    public let runner: EffectRunner
    /// The background queues (exposed so tests can wait for them).
    public let work = BackgroundWork()

    public init(store: any ProfileStoring, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                classSource: (any ClassSource)? = nil,
                history: (@Sendable (String) throws -> [RatingEvent])? = nil) {
        self.runner = EffectRunner(store: store, now: now, classSource: classSource, history: history)
    }

    /// Places `effect` on its queue. Results come back through `post` (from the queue's thread,
    /// with a coalescing key); `.quit` calls `quit` at once.
    public func schedule(_ effect: Effect, post: @escaping @Sendable (Message, _ coalescingKey: String?) -> Void,
                         quit: () -> Void) {
        if effect.lane == .quit { return quit() }
        let runner = self.runner
        let (queue, supersede) = ExploreEffects.placement(of: effect)
        work.run(on: queue, supersede: supersede) {
            let job: @Sendable () -> Void = {
                runner.run(effect) { message in post(message, ExploreEffects.coalescingKey(of: message)) }
            }
            // Engine work yields the CPU to key handling (see `LowPriorityThread`); a fit lowers its own
            // thread in `EffectRunner.run`; store writes and file exports run as they are.
            if queue == "store" || effect.isFit { job() } else { BackgroundWork.runAtLowPriority(job) }
        }
    }

    /// Blocks until every store effect scheduled so far is done (call before the process exits).
    public func finish() {
        work.wait(for: "store")
    }

    /// Which queue an effect runs on, and its superseding key.
    public static func placement(of effect: Effect) -> (queue: String, supersede: String?) {
        switch effect {
        case .saveRating, .removeRating, .loadProfile, .saveDemographics, .export, .saveLessonProgress, .saveLabResult,
             .quit:
            return ("store", nil)
        // One serial queue per fit lane: `FitPlan` (RecsysUI) decides how many run at once and which lane.
        case .fitModels(let job): return (job.lane == 0 ? "fit" : "fit.\(job.lane)", nil)
        case .recompute: return ("engine", "recompute")
        case .predict: return ("engine", "predict")
        case .explain: return ("engine", "explain")
        case .similar: return ("engine", "similar")
        case .userDetails: return ("engine", "users")
        case .groupStats: return ("engine", "groupStats")
        case .embeddingMap: return ("engine", "map")
        case .lessonRecovery: return ("engine", "lesson")
        // A lab run can take minutes: its own queue, so recomputes keep flowing meanwhile.
        case .evalLab: return ("lab", nil)
        // Polls read the database (or the folder): their own queue, so a slow disk never holds up a recompute.
        case .pollClass: return ("class", "poll")
        case .classCompare: return ("engine", "classCompare")
        case .replay: return ("engine", "replay")
        }
    }

    /// Fit progress of one algorithm replaces its undelivered predecessor in the mailbox.
    public static func coalescingKey(of message: Message) -> String? {
        if case .fitProgress(let algorithm, _) = message { return "fit:" + algorithm }
        if case .evalLab(.progress(_, let algorithm, _)) = message { return "lab:" + algorithm }
        return nil
    }
}

extension Effect {
    /// A fit job (lowered once, by `EffectRunner.run`).
    var isFit: Bool {
        if case .fitModels = self { return true }
        return false
    }
}

// MARK: - Running one effect

/// Does the work an `Effect` describes, synchronously, on the calling thread.
///
/// RecsysUI only describes effects; this is the one place they are carried out:
/// engine jobs are run, ratings are written to and read from the profile store,
/// files are written. Where and when each effect runs (queues, ordering) is
/// `ExploreEffects`' business; tests call `run` directly to drive the UI core
/// synchronously.
public struct EffectRunner: Sendable {
    /// The profile store (`nil`: store effects report a failure).
    public let store: (any ProfileStoring)?
    /// Seconds since 1970 for rating timestamps.
    public let now: @Sendable () -> Int64

    /// Where class mode reads the class (nil: `.pollClass` reports that there is none).
    public let classSource: (any ClassSource)?
    /// A profile's rating history from the store's event log (nil: `.replay` reports that there is none).
    public let history: (@Sendable (String) throws -> [RatingEvent])?

    public init(store: (any ProfileStoring)?, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                classSource: (any ClassSource)? = nil, history: (@Sendable (String) throws -> [RatingEvent])? = nil) {
        self.store = store
        self.now = now
        self.classSource = classSource
        self.history = history
    }

    /// Runs `effect` and sends each resulting message (possibly several, e.g. fit progress) on the calling thread.
    /// `.quit` sends nothing: ending the loop is the scheduler's job.
    public func run(_ effect: Effect, send: @escaping @Sendable (Message) -> Void) {
        switch effect {
        // On its own low-priority thread: the UI thread wins the cores when a key arrives.
        case .fitModels(let job): LowPriorityThread.run { job.run(send: send) }
        case .recompute(let job): send(.recommendationsReady(job.run()))
        case .predict(let job): send(job.run())
        case .explain(let job): send(.explanationReady(job.run()))
        case .similar(let job): send(.similarReady(job.run()))
        case .userDetails(let job): send(.userDetailsReady(job.run()))
        case .groupStats(let job): send(job.run())
        case .embeddingMap(let job): send(.embeddingMapReady(job.run()))
        case .evalLab(let job): job.run { send(.evalLab($0)) }
        case .pollClass(let poll):
            guard let classSource else {
                send(.classPolled(nil))
                return send(.failed("class mode needs a profile database or a class folder"))
            }
            do {
                send(.classPolled(try poll.run(classSource)))
            } catch {
                send(.classPolled(nil))
                send(.failed("class: \(error)"))
            }
        case .classCompare(let job): send(.classCompared(job.run()))
        case .replay(let job):
            guard let history else { return send(.failed("replay needs the profile database")) }
            do {
                send(.replayReady(job.run(events: try history(job.profileName))))
            } catch {
                send(.failed("replay: \(error)"))
            }
        case .lessonRecovery(let job): send(.lessonRecoveryReady(job.run()))
        case .saveLessonProgress(let profile, let progress):
            guard let store else { return send(.failed("no profile store: lesson progress not saved")) }
            do { try store.setLessonProgress(profile: profile, progress) } catch {
                send(.failed("could not save lesson progress: \(error)"))
            }
        case .saveLabResult(let profile, let report):
            guard let store else { return send(.failed("no profile store: lab result not kept")) }
            do { try store.setLabResult(profile: profile, LabRecord(report, savedAt: now())) } catch {
                send(.failed("could not keep the lab result: \(error)"))
            }
        case .saveRating(let profile, let item, let value):
            guard let store else { return send(.saveFailed("no profile store: rating not saved")) }
            do {
                try store.setRating(profile: profile, item: item, value: value, timestamp: now())
                send(.saved(item: item))
            } catch { send(.saveFailed("could not save rating: \(error)")) }
        case .removeRating(let profile, let item):
            guard let store else { return send(.saveFailed("no profile store: rating not removed")) }
            do {
                try store.removeRating(profile: profile, item: item)
                send(.saved(item: item))
            } catch { send(.saveFailed("could not remove rating: \(error)")) }
        case .loadProfile(let name):
            guard let store else { return send(.failed("no profile store")) }
            do {
                send(.profileLoaded(name: name, ratings: try store.ratings(profile: name)))
                send(.demographicsLoaded(name: name, try store.demographics(profile: name)))
                send(.lessonProgressLoaded(name: name, try store.lessonProgress(profile: name)))
            } catch {
                send(.failed("could not load profile \(name): \(error)"))
            }
        case .saveDemographics(let profile, let attributes):
            guard let store else { return send(.failed("no profile store: not saved")) }
            do {
                try store.setDemographics(profile: profile, attributes)
                send(.demographicsLoaded(name: profile, try store.demographics(profile: profile)))
            } catch { send(.failed("could not save who you are: \(error)")) }
        case .export(let path, let contents, let count):
            do {
                try contents.write(toFile: path, atomically: true, encoding: .utf8)
                send(.exported(path: path, count: count))
            } catch { send(.failed("could not write \(path): \(error.localizedDescription)")) }
        case .quit: break
        }
    }
}
