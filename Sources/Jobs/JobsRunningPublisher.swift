import Foundation
import PromshardProtocol

/// Publishes `jobs.running` for the jobs child: it looks every
/// ``lookEvery`` whether one of this instance's units started or ended,
/// reads the store's active jobs then or every ``readEvery`` anyway, and
/// publishes when something other than the clock changed, or at least every
/// ``refreshEvery`` (so elapsed and ETA stay fresh). A host result alone
/// therefore waits for the next read: at most one body per look.
public struct JobsRunningPublisher: Sendable {
    public var store: any JobStore
    public var unitsHere: UnitsRunningHere
    public var instance: String
    public var workers: Int
    public var lookEvery: Duration = .milliseconds(500)
    public var readEvery: Duration = .seconds(2)
    public var refreshEvery: Duration = .seconds(15)

    public init(store: any JobStore, unitsHere: UnitsRunningHere, instance: String, workers: Int) {
        self.store = store
        self.unitsHere = unitsHere
        self.instance = instance
        self.workers = workers
    }

    /// Runs until cancelled; `publish` sends one body.
    public func run(publish: @Sendable (JobsRunningBody) -> Void) async {
        let clock = ContinuousClock()
        var last: JobsRunningBody?
        var lastVersion: UInt64?
        var lastRead = clock.now
        var lastPublished = clock.now
        while !Task.isCancelled {
            let here = unitsHere.snapshot()
            if here.version != lastVersion || clock.now - lastRead >= readEvery {
                lastVersion = here.version
                lastRead = clock.now
                let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
                let body: JobsRunningBody
                do {
                    body = JobsRunningReport.body(
                        active: try await store.activeJobs(), runningHere: here.perJob, instance: instance,
                        workers: workers, nowMs: nowMs)
                } catch {
                    // Keep the last jobs known, say why they may be stale.
                    var stale =
                        last
                        ?? JobsRunningReport.body(
                            active: [], runningHere: here.perJob, instance: instance, workers: workers,
                            nowMs: nowMs)
                    stale.atMs = nowMs
                    stale.unitsRunning = here.perJob.values.reduce(0, +)
                    stale.error = "\(error)"
                    body = stale
                }
                if last?.withoutClock != body.withoutClock || clock.now - lastPublished >= refreshEvery {
                    publish(body)
                    last = body
                    lastPublished = clock.now
                }
            }
            try? await Task.sleep(for: lookEvery)
        }
    }
}
