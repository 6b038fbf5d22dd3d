import Foundation

/// A progress event while fitting.
public struct FitProgress: Sendable {
    /// 0…1 of the whole fit.
    public var fraction: Double
    /// "epoch 3/20", "similarities", …
    public var message: String
    public var epoch: Int?
    /// Training loss at the end of an epoch, when the model has one.
    public var loss: Double?
    /// Seconds since the fit started, filled in by whoever runs the fit (the explorer's `FitJob`) for ETAs.
    public var elapsed: Double?

    public init(fraction: Double, message: String, epoch: Int? = nil, loss: Double? = nil, elapsed: Double? = nil) {
        self.fraction = fraction
        self.message = message
        self.epoch = epoch
        self.loss = loss
        self.elapsed = elapsed
    }
}

/// A flag that a long fit polls to stop early.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    /// A token that cancels this one too (the explorer's quit token over one model's fit).
    private let parent: CancellationToken?

    public init(parent: CancellationToken? = nil) { self.parent = parent }

    public var isCancelled: Bool {
        lock.lock()
        let own = cancelled
        lock.unlock()
        return own || parent?.isCancelled == true
    }

    public func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
    }
}

/// Thrown by `fit` when its cancellation token fires.
public struct FitCancelled: Error, Sendable {
    public init() {}
}

/// How a model is fitted: the seed of every random choice, threads, progress, cancellation and
/// the memory budget.
public struct FitContext: Sendable {
    public var seed: UInt64
    /// Worker threads a model may use (results must not depend on it unless stated).
    public var threads: Int
    public var progress: @Sendable (FitProgress) -> Void
    public var cancellation: CancellationToken?
    /// Bytes this fit may hold (working memory and what the model keeps); models size blocks and
    /// caps by it (see `MemoryBudget`). Default: `MemoryBudget.processDefault`.
    public var memoryBudget: Int

    public init(seed: UInt64 = 42, threads: Int = 2,
                progress: @escaping @Sendable (FitProgress) -> Void = { _ in },
                cancellation: CancellationToken? = nil,
                memoryBudget: Int? = nil) {
        self.seed = seed
        self.threads = max(1, threads)
        self.progress = progress
        self.cancellation = cancellation
        self.memoryBudget = max(1, memoryBudget ?? MemoryBudget.processDefault)
    }

    /// Throws `FitCancelled` when cancellation was requested.
    public func checkCancelled() throws {
        if cancellation?.isCancelled == true { throw FitCancelled() }
    }
}
