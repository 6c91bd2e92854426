#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Logging
import PromshardConfig
import PromshardProtocol

/// Decides which collector gets which file and runs the deliveries:
/// only when the rendered content differs from the last successful
/// delivery, at most `concurrency` at a time per service, retrying failures
/// with exponential backoff. A newer assignment supersedes a pending retry.
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
    }

    /// Retries after a failed delivery (issue "executors" makes it configurable).
    static let maxAttempts = 4
    static let retryBase: Duration = .seconds(1)
    static let retryMax: Duration = .seconds(30)

    private let runner: @Sendable (String, ExecutorRequest, DispatchSettings) async -> ExecutorOutcome
    private let publish: @Sendable (DispatchResultBody) -> Void
    private let logger = Logger(label: "dispatch")
    private var stateDir = ""
    private var wants: [Key: Want] = [:]
    private var delivered: [Key: String] = [:]
    private var records: [Key: DeliveryRecord] = [:]
    private var running: Set<Key> = []
    private var attempts: [Key: Int] = [:]
    private var retryAt: [Key: ContinuousClock.Instant] = [:]
    private var assignmentVersion: UInt64?
    private var deliveredVersion: UInt64?

    public init(
        runner: @escaping @Sendable (String, ExecutorRequest, DispatchSettings) async -> ExecutorOutcome,
        publish: @escaping @Sendable (DispatchResultBody) -> Void
    ) {
        self.runner = runner
        self.publish = publish
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
    /// an empty list.
    public func apply(config: PromshardConfig, assignment: AssignmentBody) {
        stateDir = config.stateDir
        assignmentVersion = assignment.version
        var fresh: [Key: Want] = [:]
        for service in assignment.services {
            guard let settings = config.services.first(where: { $0.name == service.service })?.dispatch else { continue }
            if service.collectors.isEmpty && service.keptPrevious != nil {
                // Nothing healthy and nothing earlier: leave whatever collectors have.
                for (key, want) in wants where key.service == service.service { fresh[key] = want }
                continue
            }
            for c in service.collectors {
                let content = Renderer.render(c.groups)
                fresh[Key(service: service.service, collector: c.name)] = Want(
                    content: content, sha: SHA256.hex(content),
                    collector: ExecutorCollector(name: c.name, address: c.address, port: c.port),
                    targetCount: c.targetCount, version: assignment.version, settings: settings)
            }
        }
        for (key, old) in wants where fresh[key] == nil {
            let empty = Renderer.render([])
            var settings = old.settings
            if let current = config.services.first(where: { $0.name == key.service })?.dispatch { settings = current }
            fresh[key] = Want(
                content: empty, sha: SHA256.hex(empty), collector: old.collector, targetCount: 0,
                version: assignment.version, settings: settings)
        }
        for (key, want) in fresh where wants[key]?.sha != want.sha {
            attempts[key] = 0
            retryAt[key] = nil
        }
        wants = fresh
        pump()
        updateDeliveredVersion()
    }

    /// Starts every delivery that is due, within the concurrency limits.
    private func pump() {
        let now = ContinuousClock.now
        var perService: [String: Int] = [:]
        for key in running { perService[key.service, default: 0] += 1 }
        for key in wants.keys.sorted() {
            guard let want = wants[key], delivered[key] != want.sha, !running.contains(key) else { continue }
            if let at = retryAt[key], at > now { continue }
            if (attempts[key] ?? 0) >= Self.maxAttempts { continue }
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
                            path: path, dest: expandPlaceholders(want.settings.dest, collector: want.collector),
                            sha256: want.sha),
                        reloadURL: want.settings.reloadURL.map { expandPlaceholders($0, collector: want.collector) },
                        params: want.settings.params,
                        deadlineMs: Int(want.settings.timeout.components.seconds * 1000)
                            + Int(want.settings.timeout.components.attoseconds / 1_000_000_000_000_000))
                    outcome = await runner(ExecutorLocator.resolve(want.settings.executor), request, want.settings)
                } catch {
                    outcome = ExecutorOutcome(status: .spawnFailed, message: "cannot write rendered file: \(error)")
                }
                self.finished(key, want: want, attempt: attempt, started: started, outcome: outcome)
            }
        }
    }

    private func finished(_ key: Key, want: Want, attempt: Int, started: Date, outcome: ExecutorOutcome) {
        running.remove(key)
        let record = DeliveryRecord(
            service: key.service, collector: key.collector, status: outcome.status, message: outcome.message,
            sha256: want.sha, assignmentVersion: want.version, attempt: attempt,
            startedMs: Int64(started.timeIntervalSince1970 * 1000),
            durationMs: Int64(outcome.duration.components.seconds * 1000)
                + outcome.duration.components.attoseconds / 1_000_000_000_000_000,
            targetCount: want.targetCount, stderrTail: outcome.stderrTail.isEmpty ? nil : outcome.stderrTail)
        records[key] = record
        var metadata: Logger.Metadata = [
            "service": "\(key.service)", "collector": "\(key.collector)", "status": "\(outcome.status.rawValue)",
            "attempt": "\(attempt)", "targets": "\(want.targetCount)", "version": "\(want.version)",
            "duration_ms": "\(record.durationMs)", "message": "\(outcome.message)",
        ]
        if outcome.status == .ok {
            delivered[key] = want.sha
            logger.info("delivered", metadata: metadata)
        } else if wants[key]?.sha == want.sha && attempt < Self.maxAttempts {
            var delay = Self.retryBase
            for _ in 1..<attempt { delay = min(delay * 2, Self.retryMax) }
            retryAt[key] = .now + delay
            metadata["retry_in"] = "\(delay)"
            logger.warning("delivery failed", metadata: metadata)
            Task {
                try? await Task.sleep(for: delay)
                self.retryDue()
            }
        } else {
            logger.error("delivery failed, giving up until the next change", metadata: metadata)
        }
        pump()
        updateDeliveredVersion()
        publishResults()
    }

    private func retryDue() { pump() }

    private func updateDeliveredVersion() {
        guard let version = assignmentVersion, running.isEmpty || true else { return }
        if wants.allSatisfy({ delivered[$0.key] == $0.value.sha }) { deliveredVersion = version }
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
