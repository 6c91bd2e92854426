import Foundation
import Logging
import Metrics
import PromshardMetrics
import PromshardProtocol

/// This instance's share of the work: claims units from the store and runs
/// up to `workers` of them at once, each with a ``UnitRunner``.
///
/// It polls the store every ``pollEvery`` when it has a free worker, and at
/// once when a unit ends. While the store fails (a database that is down),
/// the polls back off (doubling up to ``maxBackoff``) and each failure is
/// logged; the engine keeps running and resumes when the store answers. Cancelling ``run()`` kills every running unit's
/// process group; their leases then expire and the units are claimed again.
public struct JobsEngine: Sendable {
    public var store: any JobStore
    public var runner: UnitRunner
    public var workers: Int
    /// Identifies this instance in the store (`host:pid`).
    public var owner: String
    public var pollEvery: Duration = .milliseconds(500)
    /// The longest wait between polls while the store fails.
    public var maxBackoff: Duration = .seconds(30)
    /// Counts this instance's running units per job (for `jobs.running`).
    public var unitsHere = UnitsRunningHere()
    public var logger = Logger(label: "jobs")

    public init(
        store: any JobStore, runner: UnitRunner, workers: Int, owner: String = JobsEngine.defaultOwner
    ) {
        self.store = store
        self.runner = runner
        self.workers = max(1, workers)
        self.owner = owner
    }

    /// `hostname:pid`.
    public static var defaultOwner: String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    private enum Event: Sendable {
        case tick
        case unit(ClaimedUnit, UnitRunner.End)
    }

    /// Runs until cancelled.
    public func run() async {
        let running = Gauge(label: MetricsCatalog.jobsUnitsRunning.name)
        let ended = Counter(label: MetricsCatalog.jobsUnits.name)
        await withTaskGroup(of: Event.self) { group in
            var active = 0
            var ticking = false
            var failures = 0
            while !Task.isCancelled {
                if active < workers {
                    do {
                        let units = try await store.claim(
                            owner: owner, limit: workers - active, leaseMs: runner.leaseMs, nowMs: nowMs())
                        if failures > 0 { logger.info("the job store answers again") }
                        failures = 0
                        for unit in units {
                            active += 1
                            unitsHere.started(job: unit.job)
                            logger.info(
                                "unit started",
                                metadata: [
                                    "job": "\(unit.job)", "unit": "\(unit.unit)",
                                    "hosts": "\(unit.hosts.count)",
                                    "attempt": "\(unit.attempt)",
                                ])
                            group.addTask { [runner] in .unit(unit, await runner.run(unit)) }
                        }
                    } catch {
                        failures += 1
                        logger.error(
                            "cannot claim units", metadata: ["error": "\(error)", "failures": "\(failures)"])
                    }
                }
                running.record(active)
                if !ticking {
                    ticking = true
                    let poll = Self.pollDelay(every: pollEvery, failures: failures, max: maxBackoff)
                    group.addTask {
                        try? await Task.sleep(for: poll)
                        return .tick
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .tick: ticking = false
                case .unit(let unit, let end):
                    active -= 1
                    unitsHere.ended(job: unit.job)
                    ended.increment()
                    logger.info(
                        "unit ended",
                        metadata: ["job": "\(unit.job)", "unit": "\(unit.unit)", "end": "\(end)"])
                }
            }
            group.cancelAll()
            running.record(0)
        }
    }

    /// The wait before the next poll: `every`, doubled per failure in a row, at most `max`.
    static func pollDelay(every: Duration, failures: Int, max: Duration) -> Duration {
        guard failures > 0 else { return every }
        let doubled = every * (1 << Swift.min(failures, 16))
        return Swift.min(doubled, max)
    }
}
