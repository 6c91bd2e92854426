import ConsulSimulator
import Foundation
import PromshardConsul
import PromshardTestSupport
import Testing

/// A blocking query waits minutes in libcurl; cancelling the task that runs
/// it (a new config on SIGHUP, a stop) must end it promptly and record nothing.
@Suite(.serialized) struct CancellationTests {
    /// A watch with Consul's default 5-minute wait, its recorder, and a flag set when its task returns.
    func blockedWatch(_ sim: ConsulSimulator) async -> (
        Recorder<ServiceWatch.Update>, Task<Void, Never>, Recorder<Bool>
    ) {
        let recorder = Recorder<ServiceWatch.Update>()
        let ended = Recorder<Bool>()
        let watch = ServiceWatch(
            client: ConsulClient(address: "http://127.0.0.1:\(sim.port)"), service: "prom",
            wait: .seconds(300))
        let task = Task {
            await watch.run { recorder.add($0) }
            ended.add(true)
        }
        return (recorder, task, ended)
    }

    /// Waits until the watch has its first answer and sits in a blocking query.
    func waitUntilBlocked(_ sim: ConsulSimulator, _ recorder: Recorder<ServiceWatch.Update>) async -> Bool {
        await eventually(timeout: .seconds(10)) {
            recorder.all.count == 1
                && sim.requests.contains {
                    $0.hasPrefix("GET /v1/health/service/prom") && $0.contains("wait=300s")
                }
        }
    }

    @Test func aCancelledBlockingQueryEndsPromptlyInsteadOfWaitingItsFiveMinutes() async throws {
        let sim = try await startedSimulator()
        await sim.setService(id: "a", name: "prom", port: 9090)
        let (recorder, task, ended) = await blockedWatch(sim)
        #expect(await waitUntilBlocked(sim, recorder))
        task.cancel()
        // Far less than the 300 s wait: the transfer was aborted, not answered.
        let stopped = await eventually(timeout: .seconds(15)) { ended.last == true }
        #expect(stopped, "the cancelled watch is still stuck in its blocking query")
        #expect(recorder.all.count == 1, "nothing is reported after cancellation: \(recorder.all)")
        await sim.shutdown()
    }

    @Test func anAnswerArrivingAfterCancellationIsNotRecorded() async throws {
        let sim = try await startedSimulator()
        await sim.setService(id: "a", name: "prom", port: 9090)
        let (recorder, task, ended) = await blockedWatch(sim)
        #expect(await waitUntilBlocked(sim, recorder))
        // The blocked query gets its (now stale) answer right after the cancellation.
        task.cancel()
        await sim.setService(id: "b", name: "prom", port: 9091)
        #expect(await eventually(timeout: .seconds(15)) { ended.last == true })
        #expect(recorder.all.count == 1, "a stale answer was recorded: \(recorder.all)")
        if case .entries(let entries, _)? = recorder.last {
            #expect(entries.map(\.Service.ID) == ["a"])
        } else {
            Issue.record("the first answer is missing: \(recorder.all)")
        }
        await sim.shutdown()
    }

    @Test func aCancelledRequestThrowsCancelled() async throws {
        let sim = try await startedSimulator()
        await sim.setService(id: "a", name: "prom", port: 9090)
        let client = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
        let first = try await client.request("GET", "/v1/health/service/prom")
        let index = try #require(first.index)
        let outcome = Recorder<String>()
        let task = Task {
            do throws(ConsulError) {
                _ = try await client.request(
                    "GET", "/v1/health/service/prom", query: [("index", "\(index)"), ("wait", "300s")],
                    timeout: .seconds(320))
                outcome.add("answered")
            } catch {
                outcome.add("\(error)")
            }
        }
        #expect(
            await eventually(timeout: .seconds(10)) {
                sim.requests.contains { $0.contains("index=\(index)") }
            })
        task.cancel()
        #expect(await eventually(timeout: .seconds(15)) { outcome.last != nil })
        #expect(outcome.last == "consul GET /v1/health/service/prom: cancelled")
        await sim.shutdown()
    }
}
