import Dispatch
import Foundation
import RecsysEngine
import RecsysUI

/// One model's fit as `bench` measured it.
struct FitOutcome {
    enum Status: String { case ok, cancelled }

    var name: String
    var seconds: Double
    /// CPU seconds the whole process used during the fit (every thread): what the fit costs however
    /// loaded the machine is, where `seconds` includes waiting for a core.
    var cpuSeconds: Double
    var status: Status
    /// Resident memory of the process when the fit started (data and earlier models), MiB.
    var rssBeforeMB: Double?
    /// The process's resident high-water mark during this fit (VmHWM, reset before it when the
    /// kernel allows), MiB; nil where /proc is missing.
    var peakRSSMB: Double?
    /// True when the high-water mark was reset before the fit (else it may include earlier fits).
    var peakIsPerModel: Bool
    var limits: [FitLimit]
}

/// Resident memory of this process from /proc/self (Linux); nil elsewhere.
enum ProcessMemory {
    /// A field of /proc/self/status in kB ("VmHWM", "VmRSS").
    static func statusKB(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(digits)
        }
        return nil
    }

    /// Resets the high-water mark to the current RSS (writes 5 to /proc/self/clear_refs); false when
    /// the kernel refused, in which case VmHWM keeps the process-wide peak.
    static func resetPeak() -> Bool {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? h.close() }
        do { try h.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }
}

/// Parses a fit time budget: "120s", "2m", "1.5m", "1h" or plain seconds ("90"). Nil when invalid or ≤ 0.
func parseDuration(_ text: String) -> Double? {
    var s = text.trimmingCharacters(in: .whitespaces).lowercased()
    var unit = 1.0
    if let last = s.last, let u = ["s": 1.0, "m": 60.0, "h": 3600.0][String(last)] {
        unit = u
        s.removeLast()
    }
    guard let v = Double(s), v.isFinite, v > 0 else { return nil }
    return v * unit
}

/// Fits `model` on `data`, cancelling it when it runs past `budget` seconds, and measures time and
/// peak memory. A cancelled fit is reported, never thrown; other errors are thrown.
func fitMeasured(_ model: any Recommender, data: Dataset, seed: UInt64, threads: Int, budget: Double?,
                 memoryBudget: Int) throws -> FitOutcome {
    let reset = ProcessMemory.resetPeak()
    let before = ProcessMemory.statusKB("VmRSS")
    let token = CancellationToken()
    let context = FitContext(seed: seed, threads: threads, cancellation: token, memoryBudget: memoryBudget)
    let done = DispatchSemaphore(value: 0)
    let result = FitResultBox()
    let start = DispatchTime.now(), startCPU = processCPU()
    let thread = Thread {
        do { try model.fit(data, context: context) } catch { result.set(error) }
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    if let budget, done.wait(timeout: .now() + budget) == .timedOut {
        token.cancel()
        done.wait()
    } else if budget == nil {
        done.wait()
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let cpu = processCPU() - startCPU
    let peak = ProcessMemory.statusKB("VmHWM")
    var status = FitOutcome.Status.ok
    if let e = result.error {
        guard e is FitCancelled else { throw e }
        status = .cancelled
    }
    return FitOutcome(name: model.name, seconds: seconds, cpuSeconds: cpu, status: status, rssBeforeMB: before.map { Double($0) / 1024 },
                      peakRSSMB: peak.map { Double($0) / 1024 }, peakIsPerModel: reset,
                      limits: status == .ok ? model.fitLimits : [])
}

private final class FitResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ e: any Error) { lock.lock(); stored = e; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A fit limit as JSON: {"kind": "item-cap", "kept": 20000, "total": 62423, "cause": "max_items"}.
func jsonLimit(_ l: FitLimit) -> String {
    let cause: String
    switch l.cause {
    case .memoryBudget(let b): cause = "\"memory\", \"memory_bytes\": \(b)"
    case .parameter(let p): cause = JSONText.quoted(p)
    }
    return "{\"kind\": \(JSONText.quoted(l.kind.rawValue)), \"kept\": \(l.kept), \"total\": \(l.total), \"cause\": \(cause)}"
}

/// A fit limit in a table row, worded as the explorer words it, with its cause:
/// "20,000 most-rated of 62,423 films (max_items)", "15 iterations (iterations)".
func describeLimit(_ l: FitLimit) -> String {
    "\(FitLimitText.phrase(l)) (\(FitLimitText.cause(l)))"
}

/// The fit keys `bench` adds to its JSON (without braces): fit_status, fit_cpu_seconds, peak_rss_mb,
/// rss_before_fit_mb, fit_limits, memory_budget_bytes, fit_budget_seconds.
func fitReportJSON(_ fits: [FitOutcome], budget: Double?) -> String {
    func map(_ f: (FitOutcome) -> String) -> String {
        "{" + fits.map { "\(JSONText.quoted($0.name)): \(f($0))" }.joined(separator: ", ") + "}"
    }
    func mb(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "null" }
    var s = "\"fit_status\": " + map { JSONText.quoted($0.status.rawValue) } + ", "
    s += "\"fit_cpu_seconds\": " + map { fmt($0.cpuSeconds) } + ", "
    s += "\"peak_rss_mb\": " + map { mb($0.peakRSSMB) } + ", "
    s += "\"rss_before_fit_mb\": " + map { mb($0.rssBeforeMB) } + ", "
    s += "\"fit_limits\": " + map { "[" + $0.limits.map(jsonLimit).joined(separator: ", ") + "]" } + ", "
    s += "\"memory_budget_bytes\": \(MemoryBudget.processDefault), "
    s += "\"fit_budget_seconds\": " + (budget.map { fmt($0) } ?? "null")
    return s
}

/// The table form: one line per fit with its status, peak memory and limits.
func printFitTable(_ fits: [FitOutcome], budget: Double?) {
    print("fits (memory budget \(MemoryBudget.describe(MemoryBudget.processDefault))"
        + (budget.map { ", time budget \(fmt($0)) s per model" } ?? "") + "):")
    for f in fits {
        var line = padCell(f.name, 12) + padCell(fmt(f.seconds) + " s", 12) + padCell(f.status.rawValue, 11)
            + padCell("CPU " + fmt(f.cpuSeconds) + " s", 16)
        if let p = f.peakRSSMB {
            line += "peak RSS " + String(format: "%.0f", p) + " MB" + (f.peakIsPerModel ? "" : " (process)")
            if let b = f.rssBeforeMB { line += String(format: " (from %.0f)", b) }
        }
        if !f.limits.isEmpty { line += "; " + f.limits.map(describeLimit).joined(separator: "; ") }
        print(line)
    }
}
