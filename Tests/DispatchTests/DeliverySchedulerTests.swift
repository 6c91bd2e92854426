import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardExecutorHost
import PromshardProtocol
import PromshardTestSupport
import Testing

/// The scheduler with a recording executor in place of a real plugin
/// (the real executors are run by the executor and process tests).
struct DeliverySchedulerTests {
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var calls: [(collector: String, content: String)] = []
        var failing: Set<String> = []
        var results: DispatchResultBody?

        func run(_ request: ExecutorRequest) -> ExecutorOutcome {
            let content = (try? String(contentsOfFile: request.file.path, encoding: .utf8)) ?? "<missing>"
            lock.lock()
            defer { lock.unlock() }
            calls.append((request.collector.name, content))
            return failing.contains(request.collector.name)
                ? ExecutorOutcome(status: .failed, message: "reload refused")
                : ExecutorOutcome(status: .ok, message: "ok")
        }
        func snapshot() -> [(collector: String, content: String)] {
            lock.lock()
            defer { lock.unlock() }
            return calls
        }
        func latest() -> DispatchResultBody? {
            lock.lock()
            defer { lock.unlock() }
            return results
        }
        func fail(_ name: String, _ on: Bool) {
            lock.lock()
            if on { failing.insert(name) } else { failing.remove(name) }
            lock.unlock()
        }
    }

    let dir = NSTemporaryDirectory() + "/promshard-sched-\(UUID().uuidString)"

    func config() -> PromshardConfig {
        PromshardConfig(
            sourcePath: "/x.yaml", stateDir: dir,
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: DispatchSettings(dest: "/sd/{port}.json"))
            ])
    }

    func assignment(_ version: UInt64, _ shares: [String: [String]]) -> AssignmentBody {
        nodeAssignment(version, shares)
    }

    func wait(_ recorder: Recorder, calls n: Int) async -> Bool {
        for _ in 0..<100 {
            if recorder.snapshot().count >= n { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func deliversOnlyChangedContentAndDrainsCollectorsThatDropOut() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = Recorder()
        let scheduler = DeliveryScheduler(
            runner: { _, request, _ in recorder.run(request) }, publish: { _ in })
        await scheduler.apply(config: config(), assignment: assignment(1, ["a": ["t1", "t2"], "b": ["t3"]]))
        #expect(await wait(recorder, calls: 2))
        // Same shares again: nothing to deliver.
        await scheduler.apply(config: config(), assignment: assignment(2, ["a": ["t2", "t1"], "b": ["t3"]]))
        try await Task.sleep(for: .milliseconds(200))
        #expect(recorder.snapshot().count == 2)
        // b drops out: it gets an empty list, a gets b's targets.
        await scheduler.apply(config: config(), assignment: assignment(3, ["a": ["t1", "t2", "t3"]]))
        #expect(await wait(recorder, calls: 4))
        let last = recorder.snapshot().suffix(2)
        #expect(last.contains { $0.collector == "b" && $0.content == "[]\n" })
        #expect(last.contains { $0.collector == "a" && $0.content.contains("t3") })
    }

    /// A fresh scheduler (a new leader's term) knows nothing of earlier deliveries: its first round
    /// sends `[]` to every known collector without a share, not only to those it saw leave.
    @Test func aFirstRoundDrainsEveryKnownCollectorWithoutAShare() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = Recorder()
        let scheduler = DeliveryScheduler(
            runner: { _, request, _ in recorder.run(request) }, publish: { _ in })
        await scheduler.observe(
            NodesBody(services: [
                "node": ["a", "b", "dead"].map {
                    CollectorState(name: $0, address: "127.0.0.1", port: 1, healthy: $0 != "dead")
                }
            ]))
        await scheduler.apply(config: config(), assignment: assignment(1, ["a": ["t1"], "b": ["t2"]]))
        #expect(await wait(recorder, calls: 3))
        #expect(recorder.snapshot().contains { $0.collector == "dead" && $0.content == "[]\n" })
        // Once drained it is left alone while nothing changes.
        await scheduler.apply(config: config(), assignment: assignment(2, ["a": ["t1"], "b": ["t2"]]))
        try await Task.sleep(for: .milliseconds(200))
        #expect(recorder.snapshot().count == 3)
    }

    @Test func aFailedDrainIsRedeliveredWhenTheOldShareComesBack() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = Recorder()
        let scheduler = DeliveryScheduler(
            runner: { _, request, _ in recorder.run(request) }, publish: { _ in })
        await scheduler.apply(config: config(), assignment: assignment(1, ["a": ["t1"], "b": ["t2"]]))
        #expect(await wait(recorder, calls: 2))
        recorder.fail("b", true)
        await scheduler.apply(config: config(), assignment: assignment(2, ["a": ["t1", "t2"]]))
        #expect(await wait(recorder, calls: 4))
        recorder.fail("b", false)
        // b is back with exactly its old share: its file was overwritten by the drain, so it must be sent again.
        await scheduler.apply(config: config(), assignment: assignment(3, ["a": ["t1"], "b": ["t2"]]))
        let redelivered = await eventually {
            recorder.snapshot().dropFirst(4).contains { $0.collector == "b" && $0.content.contains("t2") }
        }
        #expect(redelivered)
    }

    @Test func failuresAreRetriedWithBackoffAndPublished() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = Recorder()
        recorder.fail("a", true)
        let published = Recorder()
        let scheduler = DeliveryScheduler(
            runner: { _, request, _ in recorder.run(request) },
            publish: { body in
                published.lock.lock()
                published.results = body
                published.lock.unlock()
            })
        await scheduler.apply(config: config(), assignment: assignment(1, ["a": ["t1"]]))
        #expect(await wait(recorder, calls: 2), "a failed delivery is retried")
        let results = published.latest()
        let record = results?.last["node"]?["a"]
        #expect(record?.status == .failed)
        #expect(record?.message == "reload refused")
        #expect(results != nil && results?.deliveredVersion == nil)
    }
}
