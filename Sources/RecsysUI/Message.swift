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
    /// `source` says whether it was fitted now or read from the cache or a model file.
    case modelFitted(algorithm: String, model: any Recommender, seconds: Double, coverage: Double?,
                     source: ModelSource = .fitted)
    /// A fit's note for the status line ("cache entry for svd was corrupt: refitting").
    case cacheNotice(algorithm: String, text: String)
    case fitFailed(algorithm: String, message: String)
    /// Results of a `RecomputeJob`; dropped when `generation` is older than the state's.
    case recommendationsReady(RecommendationResults)
    /// Predictions of one item under every model (details pane).
    case predictionsReady(item: Int32, generation: Int, [String: Prediction])
    case explanationReady(ExplainResult)
    case similarReady(SimilarResults)
    case userDetailsReady(UserDetails)
    /// The Users screen's group figures by `attribute` (a `GroupStatsJob`); dropped when the grouping moved on.
    case groupStatsReady(attribute: String, GroupStatistics?)
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
    /// Class mode: the answer to a poll (nil: nothing changed since the last one).
    case classPolled(ClassUpdate?)
    /// Class mode: class-wide personalization and overlap for the Compare screen.
    case classCompared(ClassCompare)
    /// The profile's rating history replayed (`R`).
    case replayReady(ReplayState)
    /// A profile's lesson progress read from the store (after `.profileLoaded`).
    case lessonProgressLoaded(name: String, [LessonProgress])
    /// Which algorithm recovers a user's favourite genre best (after a right answer in a lesson).
    case lessonRecoveryReady(TasteRecovery)
}

/// Work `update` asks for, described as a value. RecsysUI never runs an effect: the
/// runtime (`RecsysRuntime.EffectRunner`) does the work and `ExploreEffects` places it
/// on queues.
///
/// Engine effects (`lane == .engine`) run on background queues; store effects
/// (`lane == .store`) run on ONE serial queue so writes land in the order they
/// were made (rate then undo must not be reordered); `.quit` ends the loop.
public enum Effect: Sendable {
    case fitModels(FitJob)
    case recompute(RecomputeJob)
    case predict(PredictJob)
    case explain(ExplainJob)
    case similar(SimilarJob)
    case userDetails(UserJob)
    /// The Users screen's group figures. Replies `.groupStatsReady`.
    case groupStats(GroupStatsJob)
    case embeddingMap(EmbeddingMapJob)
    case evalLab(EvalLabJob)
    /// Class mode: has the class changed? Replies `.classPolled` (or `.failed`).
    case pollClass(ClassPoll)
    /// Class mode: every classmate's top 10 under each model. Replies `.classCompared`.
    case classCompare(ClassCompareJob)
    /// Replay the profile's rating history from the store's event log. Replies `.replayReady` or `.failed`.
    case replay(ReplayJob)
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
    /// Keep a profile's progress in one lesson. Replies only on failure (`.failed`).
    case saveLessonProgress(profile: String, LessonProgress)
    /// Keep a finished lab run as the profile's last one (for the handout). Replies only on failure (`.failed`).
    case saveLabResult(profile: String, EvalReport)
    /// Which algorithm's top 10 recovers a user's favourite genre. Replies `.lessonRecoveryReady`.
    case lessonRecovery(TasteRecoveryJob)
    /// Leave the explorer (restore the terminal, exit 0).
    case quit

    /// Where an effect should run.
    public enum Lane: Sendable { case engine, store, quit }

    public var lane: Lane {
        switch self {
        case .fitModels, .recompute, .predict, .explain, .similar, .userDetails, .groupStats, .embeddingMap, .evalLab,
             .pollClass, .classCompare, .replay, .lessonRecovery: return .engine
        case .saveRating, .removeRating, .loadProfile, .saveDemographics, .export, .saveLessonProgress,
             .saveLabResult: return .store
        case .quit: return .quit
        }
    }
}
