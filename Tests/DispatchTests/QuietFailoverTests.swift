import Foundation
import Logging
import PromshardConfig
import PromshardDispatch
import PromshardHistory
import PromshardProtocol
import PromshardTestSupport
import Testing

/// Expected failovers are not alarms: `[]` to a collector known to be down
/// is retried quietly and delivered when it is back; a real failure to a
/// healthy collector stays an error. And a stopped (replaced) scheduler
/// never runs its pending retry.
@Suite(.serialized)
struct QuietFailoverTests {
    typealias Script = DeliveryRetryTests.Script

    /// Records what the scheduler logs.
    final class LogCapture: @unchecked Sendable {
        struct Entry {
            var level: Logger.Level
            var message: String
            var collector: String?
        }
        private let lock = NSLock()
        private var entries: [Entry] = []

        var logger: Logger {
            var logger = Logger(label: "dispatch") { _ in Handler(capture: self) }
            logger.logLevel = .trace
            return logger
        }
        func add(_ e: Entry) { lock.withLock { entries.append(e) } }
        func all(_ collector: String) -> [Entry] {
            lock.withLock { entries.filter { $0.collector == collector } }
        }

        struct Handler: LogHandler {
            let capture: LogCapture
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                capture.add(
                    Entry(
                        level: event.level, message: "\(event.message)",
                        collector: event.metadata?["collector"].map { "\($0)" }))
            }
        }
    }

    /// The published `dispatch.result` bodies, in order.
    final class Published: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [DispatchResultBody] = []
        func add(_ b: DispatchResultBody) { lock.withLock { bodies.append(b) } }
        var all: [DispatchResultBody] { lock.withLock { bodies } }
        func records(_ collector: String) -> [DeliveryRecord] {
            all.compactMap { $0.last["node"]?[collector] }
        }
    }

    /// The history rows the scheduler writes.
    final class HistoryLog: @unchecked Sendable {
        private let lock = NSLock()
        private var rows: [HistoryEntry] = []
        func note(_ entry: HistoryEntry) { lock.withLock { rows.append(entry) } }
        var entries: [HistoryEntry] { lock.withLock { rows } }
    }

    let dir = NSTemporaryDirectory() + "/promshard-failover-\(UUID().uuidString)"

    func config(retries: Int, backoff: Duration) -> PromshardConfig {
        PromshardConfig(
            sourcePath: "/x.yaml", stateDir: dir,
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: DispatchSettings(
                        executor: "scripted", dest: "/sd/{port}.json", retries: retries, retryBackoff: backoff
                    ))
            ])
    }

    func nodes(down: [String], up: [String]) -> NodesBody {
        NodesBody(services: [
            "node": down.map { CollectorState(name: $0, address: "127.0.0.1", port: 1, healthy: false) }
                + up.map { CollectorState(name: $0, address: "127.0.0.1", port: 1, healthy: true) }
        ])
    }

    func scheduler(
        _ script: Script, _ log: LogCapture, _ published: Published, history: HistoryLog? = nil
    ) -> DeliveryScheduler {
        DeliveryScheduler(
            runner: { _, request, _ in await script.run(request) }, publish: { published.add($0) },
            history: { history?.note($0) }, logger: log.logger)
    }

    /// The scripted executor of the retry tests.
    let retryTests = DeliveryRetryTests()

    /// Delivers a and b, then b goes down and leaves the assignment, and `[]` to it fails.
    func failover(_ s: DeliveryScheduler, _ script: Script, retries: Int, backoff: Duration, bDown: Bool)
        async
        -> Bool
    {
        let config = self.config(retries: retries, backoff: backoff)
        await s.apply(config: config, assignment: nodeAssignment(1, ["a": ["t1"], "b": ["t2"]]))
        guard await eventually({ script.count("a") == 1 && script.count("b") == 1 }) else { return false }
        await s.observe(bDown ? nodes(down: ["b"], up: ["a"]) : nodes(down: [], up: ["a", "b"]))
        script.set("b", .failed)
        await s.apply(config: config, assignment: nodeAssignment(2, ["a": ["t1", "t2"]]))
        return true
    }

    @Test func drainToADownCollectorIsRetriedQuietlyPastTheRetryLimit() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (script, log, published, history) = (Script(), LogCapture(), Published(), HistoryLog())
        let s = scheduler(script, log, published, history: history)
        #expect(await failover(s, script, retries: 0, backoff: .milliseconds(10), bDown: true))
        // retries: 0 allows a single attempt; a deferred drain keeps trying while b is down.
        #expect(
            await eventually { script.count("b") >= 1 + 3 }, "the drain is not retried: \(script.count("b"))")
        let b = log.all("b")
        #expect(!b.contains { $0.level >= .warning }, "alarms for an expected failover: \(b.map(\.message))")
        #expect(b.filter { $0.level == .info && $0.message.contains("collector is down") }.count == 1)
        // Never published as a failed delivery (health counts those as deliveries_failed).
        #expect(published.records("b").allSatisfy { $0.status == .ok })
        #expect(published.records("b").last?.targetCount == 1, "the last record is still b's delivery of t2")
        // The history keeps every attempt, the drain's marked deferred (not a failed delivery).
        let drains = history.entries.filter { $0.collector == "b" && $0.targetCount == 0 }
        #expect(drains.count >= 3 && drains.allSatisfy { $0.deferred && $0.status == .failed })
        #expect(history.entries.filter { $0.deferred }.allSatisfy { $0.collector == "b" })
        // The drain waiting for b does not hold the delivered version back.
        #expect(await eventually { published.all.last?.deliveredVersion == 2 })
        await s.stop()
    }

    @Test func drainIsDeliveredAsSoonAsTheCollectorIsBackBeforeItGetsTargets() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (script, log, published) = (Script(), LogCapture(), Published())
        let s = scheduler(script, log, published)
        // The next quiet retry would come only after a minute.
        #expect(await failover(s, script, retries: 3, backoff: .seconds(60), bDown: true))
        #expect(await eventually { script.count("b") == 2 })
        script.set("b", .ok)
        await s.observe(nodes(down: [], up: ["a", "b"]))
        #expect(await eventually { script.count("b") == 3 }, "b was not sent [] when it came back")
        #expect(
            await eventually {
                published.records("b").last?.status == .ok && published.records("b").last?.targetCount == 0
            })
        await s.apply(
            config: config(retries: 3, backoff: .seconds(60)),
            assignment: nodeAssignment(3, ["a": ["t1"], "b": ["t2"]]))
        #expect(await eventually { script.count("b") == 4 })
        let contents = script.snapshot().filter { $0.collector == "b" }.map(\.content)
        #expect(contents.count == 4)
        #expect(contents[0].contains("t2") && contents[3].contains("t2"))
        #expect(!contents[1].contains("t2") && !contents[2].contains("t2"), "[] went out before the targets")
        #expect(log.all("b").contains { $0.message.contains("collector is back") })
        #expect(!log.all("b").contains { $0.level >= .warning })
        await s.stop()
    }

    @Test func aRealFailureToAHealthyCollectorStaysAnError() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (script, log, published) = (Script(), LogCapture(), Published())
        let s = scheduler(script, log, published)
        #expect(await failover(s, script, retries: 1, backoff: .milliseconds(10), bDown: false))
        #expect(await eventually { log.all("b").contains { $0.level == .error } })
        #expect(script.count("b") == 1 + 2, "one attempt and one retry")
        #expect(log.all("b").contains { $0.level == .warning && $0.message == "delivery failed" })
        #expect(published.records("b").last?.status == .failed)
    }

    @Test func aStoppedSchedulersPendingRetryNeverRuns() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (script, log, published) = (Script(), LogCapture(), Published())
        script.set("a", .failed)
        let s = scheduler(script, log, published)
        await s.apply(
            config: config(retries: 3, backoff: .milliseconds(200)),
            assignment: nodeAssignment(1, ["a": ["t1"]]))
        #expect(await eventually { script.count("a") == 1 })
        #expect(await eventually { log.all("a").contains { $0.message == "delivery failed" } })
        await s.stop()
        // Replaced: even a new assignment on the old scheduler starts nothing.
        await s.apply(
            config: config(retries: 3, backoff: .milliseconds(200)),
            assignment: nodeAssignment(2, ["a": ["t2"]]))
        try await Task.sleep(for: .seconds(1))
        #expect(script.count("a") == 1, "the stopped scheduler ran its retry")
    }
}
