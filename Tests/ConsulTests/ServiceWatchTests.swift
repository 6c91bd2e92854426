import ConsulSimulator
import Foundation
import PromshardConsul
import PromshardTestSupport
import Testing

/// Blocking-query discovery against the simulator: changes arrive without
/// polling, and failures never erase what was known.
@Suite(.serialized) struct ServiceWatchTests {
    func ids(_ update: ServiceWatch.Update?) -> [String]? {
        if case .entries(let e, _)? = update { return e.map(\.Service.ID).sorted() }
        return nil
    }

    func watching(_ sim: ConsulSimulator, token: String = "", wait: Duration = .seconds(30)) -> (
        Recorder<ServiceWatch.Update>, Task<Void, Never>
    ) {
        let recorder = Recorder<ServiceWatch.Update>()
        let watch = ServiceWatch(
            client: ConsulClient(address: "http://127.0.0.1:\(sim.port)", token: token), service: "prom",
            wait: wait,
            backoff: Backoff(initial: .milliseconds(200), max: .seconds(1)))
        let task = Task { await watch.run { recorder.add($0) } }
        return (recorder, task)
    }

    func lastEntries(_ r: Recorder<ServiceWatch.Update>) -> [String]? {
        r.all.reversed().lazy.compactMap { self.ids($0) }.first
    }

    @Test func collectorsAppearAndDisappearWithoutPolling() async throws {
        try await withSimulator { sim in
            await sim.setService(id: "a", name: "prom", port: 9090)
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastEntries(rec) == ["a"] })
            await sim.setService(id: "b", name: "prom", port: 9091)
            #expect(await eventually(timeout: .seconds(3)) { lastEntries(rec) == ["a", "b"] })
            await sim.setStatus(id: "a", status: "critical")
            #expect(await eventually(timeout: .seconds(3)) { lastEntries(rec) == ["b"] })
            await sim.removeService(id: "b")
            #expect(await eventually(timeout: .seconds(3)) { lastEntries(rec) == [] })
            // Blocking, not polling: a few requests for four changes (30s wait).
            let requests = sim.requests.filter { $0.hasPrefix("GET /v1/health/service/prom") }
            #expect(requests.count <= 8, "\(requests)")
            #expect(requests.dropFirst().allSatisfy { $0.contains("index=") && $0.contains("wait=30s") })
        }
    }

    @Test func anIndexGoingBackwardsIsFollowedByAFreshRead() async throws {
        try await withSimulator { sim in
            for i in 0..<10 { await sim.setService(id: "s\(i)", name: "prom", port: 9000 + i) }
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastEntries(rec)?.count == 10 })
            await sim.rewind(to: 3)
            await sim.removeService(id: "s0")  // index 4 — below what the watch had seen
            #expect(await eventually(timeout: .seconds(5)) { lastEntries(rec)?.count == 9 })
            // After the reset, the watch sent one request without index, then blocked again.
            let recent = sim.requests.filter { $0.hasPrefix("GET /v1/health/service/prom") }.suffix(3)
            #expect(recent.contains { !$0.contains("index=") }, "\(recent)")
        }
    }

    @Test func consulRestartingEmptyIsReportedAndDownIsAnErrorNotAnEmptyList() async throws {
        try await withSimulator { sim in
            await sim.setService(id: "a", name: "prom", port: 9090)
            let (rec, task) = watching(sim)
            defer { task.cancel() }
            #expect(await eventually(timeout: .seconds(5)) { lastEntries(rec) == ["a"] })
            // Down for a while: failures, never an empty list.
            await sim.stop()
            #expect(
                await eventually(timeout: .seconds(5)) {
                    if case .failed(.unreachable)? = rec.last { return true }
                    return false
                })
            try await Task.sleep(for: .seconds(1))
            #expect(lastEntries(rec) == ["a"])
            // Back, restarted with its state reloaded by the agents (index reset).
            await sim.reset(index: 1)
            await sim.setService(id: "a", name: "prom", port: 9090)
            await sim.setService(id: "c", name: "prom", port: 9092)
            try await sim.start()
            #expect(await eventually(timeout: .seconds(5)) { lastEntries(rec) == ["a", "c"] })
        }
    }

    @Test func aBadTokenIsReportedWithoutTheToken() async throws {
        try await withSimulator { sim in
            sim.aclToken = "right-token-123"
            let (rec, task) = watching(sim, token: "wrong-token-456")
            defer { task.cancel() }
            #expect(
                await eventually(timeout: .seconds(5)) {
                    if case .failed(.forbidden)? = rec.last { return true }
                    return false
                })
            #expect(rec.all.allSatisfy { !"\($0)".contains("token-456") && !"\($0)".contains("token-123") })
        }
    }
}
