import Foundation
import Logging
import PromshardConfig
import PromshardExecutorHost
import PromshardHistory
import PromshardMetrics
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Decides which collector gets which file and runs the deliveries:
/// only when the rendered content differs from the last successful
/// delivery (or a periodic resync is due), at most `concurrency` at a time
/// per service, retrying `failed`, `timeout` and `crashed` deliveries with
/// exponential backoff. A newer assignment supersedes a pending retry.
///
/// Every finished attempt is published (`dispatch.result`, the last one per
/// collector) and handed to the `history` callback, which must not block.
public actor DeliveryScheduler {
    struct Key: Hashable, Sendable, Comparable {
        var service: String
        var collector: String
        static func < (a: Key, b: Key) -> Bool { (a.service, a.collector) < (b.service, b.collector) }
    }

    /// What a collector should have.
    struct Want: Sendable {
        var content: [UInt8]
        var sha: String
        var collector: ExecutorCollector
        var targetCount: Int
        var version: UInt64
        var settings: DispatchSettings
        /// The collector left the assignment and is sent `[]`; not resynced.
        var drain = false
    }

    private let runner: @Sendable (String, ExecutorRequest, DispatchSettings) async -> ExecutorOutcome
    private let publish: @Sendable (DispatchResultBody) -> Void
    private let history: @Sendable (HistoryEntry) -> Void
    private let logger: Logger
    private var stateDir = ""
    private var wants: [Key: Want] = [:]
    private var delivered: [Key: String] = [:]
    private var records: [Key: DeliveryRecord] = [:]
    private var running: Set<Key> = []
    private var attempts: [Key: Int] = [:]
    private var retryAt: [Key: ContinuousClock.Instant] = [:]
    /// Collectors whose current content failed for good (no retry left, or
    /// a status that is not retried): left alone until the content changes
    /// or the next resync.
    private var gaveUp: Set<Key> = []
    private var assignmentVersion: UInt64?
    private var deliveredVersion: UInt64?
    /// Per service: the resync interval in force and when the next one is due.
    private var resyncInterval: [String: Duration] = [:]
    private var resyncAt: [String: ContinuousClock.Instant] = [:]
    private var resyncTimer: (at: ContinuousClock.Instant, task: Task<Void, Never>)?
    /// Collectors unhealthy in the last `nodes`, and the drains waiting for them.
    private var down = CollectorsDown()
    /// Every collector the last `nodes` named, per service, healthy or not.
    private var known: [String: [ExecutorCollector]] = [:]
    private var deferred: Set<Key> = []
    /// The sleeping task of every pending retry.
    private var retryTasks: [Key: Task<Void, Never>] = [:]
    /// Set by ``stop()``: nothing starts any more.
    private var stopped = false

    /// - Parameters:
    ///   - runner: runs one executor (`executable`, request, the service's settings).
    ///   - publish: receives the last delivery per collector after every attempt.
    ///   - history: receives every finished attempt; must return at once.
    ///   - logger: where deliveries are logged.
    public init(
        runner: @escaping @Sendable (String, ExecutorRequest, DispatchSettings) async -> ExecutorOutcome,
        publish: @escaping @Sendable (DispatchResultBody) -> Void,
        history: @escaping @Sendable (HistoryEntry) -> Void = { _ in },
        logger: Logger = Logger(label: "dispatch")
    ) {
        self.runner = runner
        self.publish = publish
        self.history = history
        self.logger = logger
    }

    deinit {
        resyncTimer?.task.cancel()
        for task in retryTasks.values { task.cancel() }
    }

    /// Statuses after which the same content is tried again.
    public static func isRetried(_ status: DeliveryStatus) -> Bool {
        status == .failed || status == .timeout || status == .crashed
    }

    /// Delay before the retry that follows failed attempt number `attempt`
    /// (1-based): `base`, then doubling, at most `DispatchSettings.retryBackoffMax`.
    public static func retryDelay(afterAttempt attempt: Int, base: Duration) -> Duration {
        var delay = min(base, DispatchSettings.retryBackoffMax)
        for _ in 1..<max(1, attempt) { delay = min(delay * 2, DispatchSettings.retryBackoffMax) }
        return delay
    }

    /// Restores what was delivered before a restart (from the replayed
    /// `dispatch.result`), so unchanged collectors are not delivered again.
    public func restore(_ body: DispatchResultBody) {
        for (service, collectors) in body.last {
            for (name, record) in collectors {
                let key = Key(service: service, collector: name)
                records[key] = record
                if record.status == .ok { delivered[key] = record.sha256 }
            }
        }
        deliveredVersion = body.deliveredVersion
    }

    /// Takes a new assignment: renders every collector's file and starts
    /// the deliveries whose content changed. Collectors that dropped out get
    /// an empty list, and so does every collector of the last ``observe(_:)``
    /// (per service: configured and discovered, healthy or not) that has no
    /// share: a new leader's first round covers the collectors an earlier
    /// leader may have delivered to.
    ///
    /// Services with `executor: none` are left out: nothing is delivered,
    /// published or recorded for them.
    public func apply(config: PromshardConfig, assignment: AssignmentBody) {
        apply(config: config, assignment: assignment, rendered: RenderedShares(assignment))
    }

    /// ``apply(config:assignment:)`` with the documents already rendered (`rendered` is of `assignment`).
    public func apply(config: PromshardConfig, assignment: AssignmentBody, rendered: RenderedShares) {
        stateDir = config.stateDir
        assignmentVersion = assignment.version
        var fresh: [Key: Want] = [:]
        for service in assignment.services {
            guard let settings = config.services.first(where: { $0.name == service.service })?.dispatch,
                settings.delivers
            else {
                continue
            }
            if service.collectors.isEmpty && service.keptPrevious != nil {
                // Nothing healthy and nothing earlier: leave whatever collectors have.
                for (key, want) in wants where key.service == service.service { fresh[key] = want }
                continue
            }
            for c in service.collectors {
                let document =
                    rendered.services[service.service]?[c.name]
                    ?? RenderedShares.Document(content: Renderer.render(c.groups), targetCount: c.targetCount)
                fresh[Key(service: service.service, collector: c.name)] = Want(
                    content: document.content, sha: document.sha,
                    collector: ExecutorCollector(name: c.name, address: c.address, port: c.port),
                    targetCount: c.targetCount, version: assignment.version, settings: settings)
            }
            for collector in known[service.service] ?? [] {
                let key = Key(service: service.service, collector: collector.name)
                guard fresh[key] == nil, wants[key] == nil else { continue }
                fresh[key] = Self.drain(collector, version: assignment.version, settings: settings)
            }
        }
        for (key, old) in wants where fresh[key] == nil {
            let settings = config.services.first(where: { $0.name == key.service })?.dispatch ?? old.settings
            // A service switched to pull mode keeps what its collectors have.
            guard settings.delivers else { continue }
            fresh[key] = Self.drain(old.collector, version: assignment.version, settings: settings)
        }
        for (key, want) in fresh where wants[key]?.sha != want.sha {
            attempts[key] = 0
            retryAt[key] = nil
            retryTasks.removeValue(forKey: key)?.cancel()
            deferred.remove(key)
            gaveUp.remove(key)
        }
        wants = fresh
        updateResyncSchedule(config: config)
        pump()
        let before = deliveredVersion
        updateDeliveredVersion()
        // Nothing to deliver (unchanged content, or only `executor: none`): say so, `/-/ready` waits for it.
        if deliveredVersion != before { publishResults() }
    }

    /// What a collector without a share should have: `[]`.
    private static func drain(_ collector: ExecutorCollector, version: UInt64, settings: DispatchSettings)
        -> Want
    {
        let empty = RenderedShares.Document.empty
        return Want(
            content: empty.content, sha: empty.sha, collector: collector, targetCount: 0, version: version,
            settings: settings, drain: true)
    }

    /// Delivers every collector of `service` (all services when nil) again,
    /// even if unchanged, as the periodic resync does. Collectors being
    /// delivered or waiting for a retry, and drained ones, are left alone.
    public func resync(service: String? = nil) {
        for (key, want) in wants where service == nil || key.service == service {
            guard !want.drain, !running.contains(key), retryAt[key] == nil else { continue }
            delivered[key] = nil
            attempts[key] = 0
            gaveUp.remove(key)
        }
        pump()
    }

    /// Starts every delivery that is due, within the concurrency limits.
    private func pump() {
        guard !stopped else { return }
        let now = ContinuousClock.now
        var perService: [String: Int] = [:]
        for key in running { perService[key.service, default: 0] += 1 }
        for key in wants.keys.sorted() {
            guard let want = wants[key], delivered[key] != want.sha, !running.contains(key) else { continue }
            if let at = retryAt[key], at > now { continue }
            if gaveUp.contains(key) { continue }
            guard perService[key.service, default: 0] < want.settings.concurrency else { continue }
            perService[key.service, default: 0] += 1
            running.insert(key)
            retryAt[key] = nil
            // Once an attempt starts, the collector's content is unknown until it succeeds:
            // a failed attempt may have written the file and failed on the reload.
            delivered[key] = nil
            attempts[key, default: 0] += 1
            let attempt = attempts[key]!
            let stateDir = self.stateDir
            let runner = self.runner
            Task {
                let started = Date()
                let outcome: ExecutorOutcome
                do {
                    let path = try Self.writeRendered(want, key: key, stateDir: stateDir)
                    let request = ExecutorRequest(
                        service: key.service, collector: want.collector,
                        file: ExecutorFile(
                            path: path,
                            dest: expandPlaceholders(want.settings.dest, collector: want.collector),
                            sha256: want.sha),
                        reloadURL: want.settings.reloadURL.map {
                            expandPlaceholders($0, collector: want.collector)
                        },
                        params: want.settings.params,
                        deadlineMs: Int(want.settings.timeout.wholeMilliseconds))
                    outcome = await runner(
                        ExecutorLocator.resolve(want.settings.executor), request, want.settings)
                } catch {
                    outcome = ExecutorOutcome(
                        status: .spawnFailed, message: "cannot write rendered file: \(error)")
                }
                self.finished(key, want: want, attempt: attempt, started: started, outcome: outcome)
            }
        }
    }

    private func finished(_ key: Key, want: Want, attempt: Int, started: Date, outcome: ExecutorOutcome) {
        running.remove(key)
        guard !stopped else { return }
        let record = DeliveryRecord(
            service: key.service, collector: key.collector, status: outcome.status, message: outcome.message,
            sha256: want.sha, assignmentVersion: want.version, attempt: attempt,
            startedMs: Int64(started.timeIntervalSince1970 * 1000),
            durationMs: outcome.duration.wholeMilliseconds,
            targetCount: want.targetCount, stderrTail: outcome.stderrTail.isEmpty ? nil : outcome.stderrTail)
        let current = wants[key]?.sha == want.sha
        // `[]` to a collector known to be down failing is expected: not an alarm, not a failed delivery.
        let deferredDrain = current && want.drain && Self.isRetried(outcome.status) && down.contains(key)
        if !deferredDrain { records[key] = record }
        history(HistoryEntry(record: record, executor: want.settings.executor, deferred: deferredDrain))
        var metadata: Logger.Metadata = [
            "service": "\(key.service)", "collector": "\(key.collector)",
            "status": "\(outcome.status.rawValue)",
            "attempt": "\(attempt)", "targets": "\(want.targetCount)", "version": "\(want.version)",
            "duration_ms": "\(record.durationMs)", "message": "\(outcome.message)",
        ]
        if outcome.status == .ok {
            delivered[key] = want.sha
            deferred.remove(key)
            logger.info("delivered", metadata: metadata)
        } else if deferredDrain {
            deferDrain(key, attempt: attempt, backoff: want.settings.retryBackoff, metadata: metadata)
        } else if !current {
            logger.warning("delivery failed; newer content is due", metadata: metadata)
        } else if Self.isRetried(outcome.status) && (attempts[key] ?? attempt) <= want.settings.retries {
            let delay = Self.retryDelay(afterAttempt: attempt, base: want.settings.retryBackoff)
            metadata["retry_in"] = "\(delay.shortDescription)"
            logger.warning("delivery failed", metadata: metadata)
            scheduleRetry(key, after: delay)
        } else {
            gaveUp.insert(key)
            let why =
                Self.isRetried(outcome.status) ? "no retry left" : "\(outcome.status.rawValue) is not retried"
            metadata["reason"] = "\(why)"
            logger.error(
                "delivery failed, giving up until the content changes or the next resync", metadata: metadata)
        }
        pump()
        updateDeliveredVersion()
        publishResults()
    }

    /// Sleeps until a retry is due, then starts it. A newer content, a
    /// collector coming back or ``stop()`` cancels the wait.
    private func scheduleRetry(_ key: Key, after delay: Duration) {
        retryAt[key] = .now + delay
        retryTasks[key]?.cancel()
        retryTasks[key] = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled, let self else { return }
            await self.retryDue(key)
        }
    }

    private func retryDue(_ key: Key) {
        guard !Task.isCancelled else { return }
        retryTasks[key] = nil
        pump()
    }

    // MARK: - Failovers and stopping

    /// A drain to a collector known to be down failed: retried quietly
    /// (info once, then debug), without a retry limit, and at once when the
    /// collector is back (``observe(_:)``). Counted apart from failed deliveries.
    private func deferDrain(_ key: Key, attempt: Int, backoff: Duration, metadata: Logger.Metadata) {
        let delay = Self.retryDelay(afterAttempt: attempt, base: backoff)
        var metadata = metadata
        metadata["retry_in"] = "\(delay.shortDescription)"
        let first = deferred.insert(key).inserted
        logger.log(
            level: first ? .info : .debug, "collector is down: it is sent [] when it is back",
            metadata: metadata)
        Instruments.deliveryDeferred(service: key.service)
        scheduleRetry(key, after: delay)
    }

    /// Takes the collectors' health (`nodes`). A drain waiting for a
    /// collector that is back is delivered at once, before hashing gives it
    /// targets again. Returns whether the set of collectors changed (one
    /// appeared or went), which calls for an ``apply(config:assignment:)``
    /// round: health changes alone come with a new assignment.
    @discardableResult
    public func observe(_ nodes: NodesBody) -> Bool {
        let now = nodes.services.mapValues { states in
            states.map { ExecutorCollector(name: $0.name, address: $0.address, port: $0.port) }
        }
        let changed = now != known
        known = now
        let back = down.update(nodes)
        for key in back.sorted() where deferred.contains(key) {
            deferred.remove(key)
            attempts[key] = 0
            retryAt[key] = nil
            retryTasks.removeValue(forKey: key)?.cancel()
            logger.info(
                "collector is back: sending it [] now",
                metadata: ["service": "\(key.service)", "collector": "\(key.collector)"])
        }
        pump()
        updateDeliveredVersion()
        return changed
    }

    /// Stops a scheduler that is replaced (a leader term starts or ends):
    /// pending retries and the resync timer are cancelled, no delivery
    /// starts any more, and running ones finish without effect.
    public func stop() {
        stopped = true
        for task in retryTasks.values { task.cancel() }
        retryTasks = [:]
        retryAt = [:]
        resyncTimer?.task.cancel()
        resyncTimer = nil
    }

    // MARK: - Resync

    /// Keeps one due time per service with a resync interval; a changed
    /// interval starts counting again.
    private func updateResyncSchedule(config: PromshardConfig) {
        let now = ContinuousClock.now
        var intervals: [String: Duration] = [:]
        for service in config.services where service.dispatch.resync > .zero {
            intervals[service.name] = service.dispatch.resync
        }
        for (service, interval) in intervals where resyncInterval[service] != interval {
            resyncAt[service] = now + interval
        }
        for service in resyncAt.keys where intervals[service] == nil { resyncAt[service] = nil }
        resyncInterval = intervals
        armResyncTimer()
    }

    /// Makes sure one timer task sleeps until the earliest due resync. The
    /// task holds the scheduler weakly: a scheduler that is dropped stops resyncing.
    private func armResyncTimer() {
        guard let next = resyncAt.values.min() else {
            resyncTimer?.task.cancel()
            resyncTimer = nil
            return
        }
        if let timer = resyncTimer, timer.at == next { return }
        resyncTimer?.task.cancel()
        let task = Task { [weak self] in
            try? await Task.sleep(until: next, clock: .continuous)
            guard !Task.isCancelled, let self else { return }
            await self.resyncDue()
        }
        resyncTimer = (next, task)
    }

    private func resyncDue() {
        let now = ContinuousClock.now
        resyncTimer = nil
        for (service, at) in resyncAt.sorted(by: { $0.key < $1.key }) where at <= now {
            let interval = resyncInterval[service] ?? .seconds(300)
            resyncAt[service] = now + interval
            let count = wants.keys.filter { $0.service == service }.count
            logger.info(
                "resync: delivering every collector again",
                metadata: [
                    "service": "\(service)", "collectors": "\(count)",
                    "every": "\(interval.shortDescription)",
                ])
            resync(service: service)
        }
        armResyncTimer()
    }

    // MARK: - Results

    private func updateDeliveredVersion() {
        guard let version = assignmentVersion else { return }
        // A drain waiting for a collector that is down does not hold the version back.
        if wants.allSatisfy({ delivered[$0.key] == $0.value.sha || ($0.value.drain && down.contains($0.key)) }
        ) {
            deliveredVersion = version
        }
    }

    private func publishResults() {
        var last: [String: [String: DeliveryRecord]] = [:]
        for (key, record) in records { last[key.service, default: [:]][key.collector] = record }
        publish(DispatchResultBody(last: last, deliveredVersion: deliveredVersion))
    }

    /// Writes the rendered file under `state_dir/rendered/<service>/` atomically.
    static func writeRendered(_ want: Want, key: Key, stateDir: String) throws -> String {
        let dir = "\(stateDir)/rendered/\(safe(key.service))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/\(safe(key.collector)).json"
        try Data(want.content).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// A file-name-safe version of a name.
    static func safe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_" })
    }

}
