import Foundation
import RecsysEngine
import RecsysUI

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

    public init(store: (any ProfileStoring)?, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.now = now
    }

    /// Runs `effect` and sends each resulting message (possibly several, e.g. fit progress) on the calling thread.
    /// `.quit` sends nothing: ending the loop is the scheduler's job.
    public func run(_ effect: Effect, send: @escaping @Sendable (Message) -> Void) {
        switch effect {
        case .fitModels(let job): job.run(send: send)
        case .recompute(let job): send(.recommendationsReady(job.run()))
        case .predict(let job): send(job.run())
        case .explain(let job): send(.explanationReady(job.run()))
        case .similar(let job): send(.similarReady(job.run()))
        case .userDetails(let job): send(.userDetailsReady(job.run()))
        case .embeddingMap(let job): send(.embeddingMapReady(job.run()))
        case .evalLab(let job): job.run { send(.evalLab($0)) }
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
            do { send(.profileLoaded(name: name, ratings: try store.ratings(profile: name))) } catch {
                send(.failed("could not load profile \(name): \(error)"))
            }
        case .export(let path, let contents, let count):
            do {
                try contents.write(toFile: path, atomically: true, encoding: .utf8)
                send(.exported(path: path, count: count))
            } catch { send(.failed("could not write \(path): \(error.localizedDescription)")) }
        case .quit: break
        }
    }
}
