import Foundation
import RecsysEngine

/// Everything that can happen to the explorer: input from the terminal and results of effects.
///
/// The backend turns each key, mouse event and resize into `.input(...)`, and
/// posts what background effects produce (`.modelFitted`, `.recommendationsReady`,
/// `.saved`, `.failed`, …) on the UI thread. `update` is the only place state changes.
public enum Message: Sendable {
    /// Sent once after the first frame: starts fitting the models.
    case started
    case input(InputEvent)
    /// Progress of one model's fit (drawn as a bar in the status line).
    case fitProgress(algorithm: String, FitProgress)
    /// A model finished fitting; `coverage` is its sampled catalog coverage (see `FitJob.catalogCoverage`).
    case modelFitted(algorithm: String, model: any Recommender, seconds: Double, coverage: Double?)
    case fitFailed(algorithm: String, message: String)
    /// Results of a `RecomputeJob`; dropped when `generation` is older than the state's.
    case recommendationsReady(RecommendationResults)
    /// Predictions of one item under every model (details pane).
    case predictionsReady(item: Int32, generation: Int, [String: Prediction])
    case explanationReady(ExplainResult)
    case similarReady(SimilarResults)
    case userDetailsReady(UserDetails)
    /// The ratings of a profile read from the store (after `:profile NAME`).
    case profileLoaded(name: String, ratings: [StoredRating])
    /// Who a profile says it is, read from the store (after `.profileLoaded`) or just saved by `:about`.
    case demographicsLoaded(name: String, UserAttributes)
    /// A rating write is durable.
    case saved(item: String)
    /// A rating write failed (the rating is still shown; the message says it was not saved).
    case saveFailed(String)
    case exported(path: String, count: Int)
    /// Any effect failed; shown in the status line.
    case failed(String)
    /// A timer tick (optional; clears old status messages).
    case tick
    /// The embedding map built by an `EmbeddingMapJob` (nil: the model has no item vectors).
    case embeddingMapReady(EmbeddingMapState?)
    /// Progress, results or failure of the evaluation lab's run.
    case evalLab(EvalLabEvent)
}

/// Work `update` asks the backend to do. Nothing here runs on the UI thread.
///
/// Run engine effects (`lane == .engine`) on a background queue; run store
/// effects (`lane == .store`) on ONE serial queue so writes land in the order
/// they were made (rate then undo must not be reordered). `perform` does the
/// work synchronously and reports through `send`; `.quit` is the backend's to handle.
public enum Effect: Sendable {
    case fitModels(FitJob)
    case recompute(RecomputeJob)
    case predict(PredictJob)
    case explain(ExplainJob)
    case similar(SimilarJob)
    case userDetails(UserJob)
    case embeddingMap(EmbeddingMapJob)
    case evalLab(EvalLabJob)
    /// Persist a rating (item by raw id). Replies `.saved` or `.failed`.
    case saveRating(profile: String, item: String, value: Float)
    /// Remove a rating. Replies `.saved` or `.failed`.
    case removeRating(profile: String, item: String)
    /// Read a profile's ratings from the store. Replies `.profileLoaded` (then `.demographicsLoaded`) or `.failed`.
    case loadProfile(name: String)
    /// Store who the profile says it is (`:about`). Replies `.demographicsLoaded` or `.failed`.
    case saveDemographics(profile: String, UserAttributes)
    /// Write `contents` to `path`. Replies `.exported` or `.failed`.
    case export(path: String, contents: String, count: Int)
    /// Leave the explorer (restore the terminal, exit 0).
    case quit

    /// Where an effect should run.
    public enum Lane: Sendable { case engine, store, quit }

    public var lane: Lane {
        switch self {
        case .fitModels, .recompute, .predict, .explain, .similar, .userDetails, .embeddingMap, .evalLab: return .engine
        case .saveRating, .removeRating, .loadProfile, .saveDemographics, .export: return .store
        case .quit: return .quit
        }
    }

    /// Does the effect's work synchronously and sends its result messages (possibly several, e.g. fit progress).
    ///
    /// - Parameters:
    ///   - store: the profile store (`nil`: store effects report a failure).
    ///   - now: seconds since 1970 for rating timestamps.
    ///   - send: called with each resulting message, on the calling thread.
    public func perform(store: (any ProfileStoring)?, now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                        send: @escaping @Sendable (Message) -> Void) {
        switch self {
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
            do {
                send(.profileLoaded(name: name, ratings: try store.ratings(profile: name)))
                send(.demographicsLoaded(name: name, try store.demographics(profile: name)))
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
