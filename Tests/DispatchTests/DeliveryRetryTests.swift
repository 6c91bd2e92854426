import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

/// Retries, supersession, concurrency and resync of the scheduler, with a
/// scripted executor in place of a real plugin.
@Suite(.serialized)
struct DeliveryRetryTests {
    /// Answers each call with the status scripted for its collector and records it.
    final class Script: @unchecked Sendable {
        struct Call: Equatable {
            var collector: String
            var content: String
        }
        let lock = NSLock()
        var statuses: [String: DeliveryStatus] = [:]
        var calls: [Call] = []
        var history: [(collector: String, status: DeliveryStatus, attempt: Int, executor: String)] = []
        var running = 0
        var maxRunning = 0
        var hold: Duration = .zero

        func run(_ request: ExecutorRequest) async -> ExecutorOutcome {
            let content = (try? String(contentsOfFile: request.file.path, encoding: .utf8)) ?? "<missing>"
            let (status, hold) = lock.withLock {
                calls.append(Call(collector: request.collector.name, content: content))
                running += 1
                maxRunning = max(maxRunning, running)
                return (statuses[request.collector.name] ?? .ok, self.hold)
            }
            if hold > .zero { try? await Task.sleep(for: hold) }
            lock.withLock { running -= 1 }
            return ExecutorOutcome(status: status, message: "scripted \(status.rawValue)")
        }
        func set(_ collector: String, _ status: DeliveryStatus) {
            lock.withLock { statuses[collector] = status }
        }
        func snapshot() -> [Call] { lock.withLock { calls } }
        func count(_ collector: String) -> Int { snapshot().filter { $0.collector == collector }.count }
        func noteHistory(_ collector: String, _ status: DeliveryStatus, _ attempt: Int, _ executor: String) {
            lock.withLock { history.append((collector, status, attempt, executor)) }
        }
    }

    let dir = NSTemporaryDirectory() + "/promshard-retry-\(UUID().uuidString)"

    func config(_ settings: DispatchSettings) -> PromshardConfig {
        PromshardConfig(
            sourcePath: "/x.yaml", stateDir: dir,
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: settings)
            ])
    }

    func settings(
        retries: Int = 3, backoff: Duration = .milliseconds(10), resync: Duration = .zero,
        concurrency: Int = 16
    ) -> DispatchSettings {
        DispatchSettings(
            executor: "scripted", dest: "/sd/{port}.json", concurrency: concurrency, retries: retries,
            retryBackoff: backoff, resync: resync)
    }

    func assignment(_ version: UInt64, _ shares: [String: [String]]) -> AssignmentBody {
        nodeAssignment(version, shares)
    }

    func scheduler(_ script: Script) -> DeliveryScheduler {
        DeliveryScheduler(
            runner: { _, request, _ in await script.run(request) }, publish: { _ in },
            history: { script.noteHistory($0.collector, $0.status, $0.attempt, $0.executor) })
    }

    @Test func theRetryDelayDoublesFromTheBaseUpToThirtySeconds() {
        let delays = (1...7).map { DeliveryScheduler.retryDelay(afterAttempt: $0, base: .seconds(1)) }
        #expect(
            delays == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30),
            ])
        #expect(DeliveryScheduler.retryDelay(afterAttempt: 1, base: .seconds(20)) == .seconds(20))
        #expect(DeliveryScheduler.retryDelay(afterAttempt: 2, base: .seconds(20)) == .seconds(30))
        #expect(DeliveryScheduler.retryDelay(afterAttempt: 1, base: .seconds(90)) == .seconds(30))
    }

    @Test func failedTimeoutAndCrashedAreRetriedTheConfiguredNumberOfTimes() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        let retried: [DeliveryStatus] = [.failed, .timeout, .crashed]
        let final: [DeliveryStatus] = [.badRequest, .badOutput, .spawnFailed]
        for status in retried + final { script.set(status.rawValue, status) }
        let scheduler = self.scheduler(script)
        var shares: [String: [String]] = [:]
        for status in retried + final { shares[status.rawValue] = ["t-\(status.rawValue)"] }
        await scheduler.apply(config: config(settings(retries: 2)), assignment: assignment(1, shares))

        #expect(await eventually { retried.allSatisfy { script.count($0.rawValue) == 3 } })
        // History is written when an attempt ends; on a busy machine that lags the calls.
        #expect(await eventually { script.lock.withLock { script.history.count } >= 3 * 3 + 3 })
        try await Task.sleep(for: .milliseconds(300))
        for status in retried { #expect(script.count(status.rawValue) == 3, "\(status) is retried twice") }
        for status in final { #expect(script.count(status.rawValue) == 1, "\(status) is not retried") }
        let attempts = script.lock.withLock {
            script.history.filter { $0.collector == "failed" }.map(\.attempt)
        }
        #expect(attempts == [1, 2, 3])
        #expect(script.lock.withLock { script.history.allSatisfy { $0.executor == "scripted" } })
        #expect(script.lock.withLock { script.history.count } == 3 * 3 + 3)
    }

    @Test func retriesZeroMeansOneAttempt() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        script.set("a", .failed)
        let scheduler = self.scheduler(script)
        await scheduler.apply(config: config(settings(retries: 0)), assignment: assignment(1, ["a": ["t1"]]))
        #expect(await eventually { script.count("a") == 1 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(script.count("a") == 1)
    }

    @Test func aNewerAssignmentSupersedesAPendingRetry() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        script.set("a", .failed)
        let scheduler = self.scheduler(script)
        // A retry would come only after a minute.
        await scheduler.apply(
            config: config(settings(backoff: .seconds(60))), assignment: assignment(1, ["a": ["old"]]))
        #expect(await eventually { script.count("a") == 1 })
        script.set("a", .ok)
        await scheduler.apply(
            config: config(settings(backoff: .seconds(60))), assignment: assignment(2, ["a": ["new"]]))
        #expect(await eventually { script.count("a") == 2 }, "the new content goes out at once")
        let calls = script.snapshot()
        #expect(calls[0].content.contains("old"))
        #expect(calls[1].content.contains("new"))
    }

    @Test func aCollectorWaitingForARetryDoesNotHoldUpTheOthers() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        script.set("a", .timeout)
        let scheduler = self.scheduler(script)
        // One delivery at a time: the others must not wait for a's backoff.
        await scheduler.apply(
            config: config(settings(backoff: .seconds(60), concurrency: 1)),
            assignment: assignment(1, ["a": ["t1"], "b": ["t2"], "c": ["t3"]]))
        #expect(await eventually { script.count("b") == 1 && script.count("c") == 1 })
        #expect(script.snapshot().map(\.collector) == ["a", "b", "c"])
    }

    @Test func concurrencyIsLimitedPerService() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        script.hold = .milliseconds(100)
        let scheduler = self.scheduler(script)
        var shares: [String: [String]] = [:]
        for i in 0..<7 { shares["c\(i)"] = ["t\(i)"] }
        await scheduler.apply(config: config(settings(concurrency: 2)), assignment: assignment(1, shares))
        #expect(await eventually { script.snapshot().count == 7 })
        #expect(script.lock.withLock { script.maxRunning } == 2)
    }

    @Test func resyncDeliversUnchangedContentAgainButNotToDrainedCollectors() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        let scheduler = self.scheduler(script)
        let every = settings(resync: .milliseconds(300))
        await scheduler.apply(config: config(every), assignment: assignment(1, ["a": ["t1"], "b": ["t2"]]))
        #expect(await eventually { script.count("a") == 1 && script.count("b") == 1 })
        // b leaves: it is drained once, then never resynced.
        await scheduler.apply(config: config(every), assignment: assignment(2, ["a": ["t1", "t2"]]))
        #expect(await eventually { script.count("b") == 2 })
        #expect(
            await eventually(timeout: .seconds(5)) { script.count("a") >= 4 },
            "a is delivered again every 300ms")
        let a = script.snapshot().filter { $0.collector == "a" }
        #expect(a.dropFirst().allSatisfy { $0.content == a[1].content })
        #expect(script.count("b") == 2)
    }

    @Test func resyncGivesAGivenUpCollectorAnotherChance() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        script.set("a", .badOutput)
        let scheduler = self.scheduler(script)
        await scheduler.apply(config: config(settings()), assignment: assignment(1, ["a": ["t1"]]))
        #expect(await eventually { script.count("a") == 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(script.count("a") == 1)
        script.set("a", .ok)
        await scheduler.resync()
        #expect(await eventually { script.count("a") == 2 })
    }

    @Test func aZeroResyncNeverRedelivers() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Script()
        let scheduler = self.scheduler(script)
        await scheduler.apply(
            config: config(settings(resync: .zero)), assignment: assignment(1, ["a": ["t1"]]))
        #expect(await eventually { script.count("a") == 1 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(script.count("a") == 1)
    }
}
