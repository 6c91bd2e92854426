import ConsulSimulator
import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real `promshard run` processes competing for the Consul lock: exactly
/// one dispatches at any time, as recorded by the executors themselves.
@Suite(.serialized) struct HAProcessTests {
    /// Rewrites the target file every 700 ms so the leader keeps delivering.
    func churn(_ fleet: ConsulFleet) -> Task<Void, Never> {
        Task {
            var g = 1
            while !Task.isCancelled {
                try? fleet.writeTargets(count: 30, generation: g)
                g += 1
                try? await Task.sleep(for: .milliseconds(700))
            }
        }
    }

    func singleDispatcher(_ fleet: ConsulFleet, since: Int64, timeout: Duration) async -> String? {
        var found: String?
        _ = await eventually(timeout: timeout, every: .milliseconds(100)) {
            let d = fleet.dispatchersSince(since)
            found = d.count == 1 ? d.first : nil
            return d.count >= 1
        }
        return found
    }

    @Test func threeInstancesLeaderKilledBySIGKILLThenBySIGTERM() async throws {
        try await withConsulFleet { sim, fleet in
            for name in ["a", "b", "c"] { try fleet.start(name) }
            let churning = churn(fleet)
            defer { churning.cancel() }

            // One leader dispatches; the others stay quiet.
            let first = try #require(
                await singleDispatcher(fleet, since: 0, timeout: .seconds(30)),
                "no single leader; logs:\n\(fleet.logs())")
            try await Task.sleep(for: .seconds(3))
            #expect(fleet.dispatchersSince(0) == [first], "followers dispatched; logs:\n\(fleet.logs())")

            // SIGKILL the leader: a follower takes over within TTL (10s) + lock-delay (2s) + a few seconds.
            let killedAt = nowNs()
            fleet.instances[first]?.signal(SIGKILL)
            let clock = ContinuousClock()
            let t0 = clock.now
            let second = try #require(
                await singleDispatcher(fleet, since: killedAt, timeout: .seconds(25)),
                "no takeover; logs:\n\(fleet.logs())")
            let took = clock.now - t0
            #expect(second != first)
            #expect(took < .seconds(17), "takeover after SIGKILL took \(took)")
            try await Task.sleep(for: .seconds(2))
            #expect(fleet.dispatchersSince(killedAt) == [second])

            // SIGTERM the new leader: it releases the lock, the last one takes over promptly.
            let termAt = nowNs()
            fleet.instances[second]?.signal(SIGTERM)
            let t1 = clock.now
            let third = try #require(
                await singleDispatcher(fleet, since: termAt, timeout: .seconds(15)),
                "no takeover; logs:\n\(fleet.logs())")
            let took2 = clock.now - t1
            #expect(third != first && third != second)
            #expect(took2 < .seconds(6), "takeover after SIGTERM took \(took2)")
            #expect(await fleet.instances[second]?.wait(timeout: .seconds(10)) == 0)
            let secondLog = fleet.logs()
            #expect(secondLog.contains("released the leader lock"))

            try await Task.sleep(for: .seconds(2))
            #expect(fleet.overlaps().isEmpty, "overlapping deliveries: \(fleet.overlaps())")
        }
    }

    @Test func twoInstancesWithATokenSIGTERMThenRejoinAsFollowerThenSIGKILL() async throws {
        try await withConsulFleet(token: "tok-7f3a9") { sim, fleet in
            sim.aclToken = "tok-7f3a9"
            for name in ["a", "b"] { try fleet.start(name) }
            let churning = churn(fleet)
            defer { churning.cancel() }
            let first = try #require(
                await singleDispatcher(fleet, since: 0, timeout: .seconds(30)),
                "no single leader; logs:\n\(fleet.logs())")
            let other = first == "a" ? "b" : "a"
            let termAt = nowNs()
            fleet.instances[first]?.signal(SIGTERM)
            #expect(await fleet.instances[first]?.wait(timeout: .seconds(10)) == 0)
            let next = await singleDispatcher(fleet, since: termAt, timeout: .seconds(10))
            #expect(next == other, "logs:\n\(fleet.logs())")
            // The stopped one comes back as a follower: still one dispatcher.
            try fleet.start(first)
            let back = nowNs()
            try await Task.sleep(for: .seconds(5))
            #expect(fleet.dispatchersSince(back) == [other], "logs:\n\(fleet.logs())")
            // SIGKILL the leader: the rejoined one takes over within TTL + lock-delay + a few seconds.
            let killedAt = nowNs()
            let clock = ContinuousClock()
            let t0 = clock.now
            fleet.instances[other]?.signal(SIGKILL)
            let taker = await singleDispatcher(fleet, since: killedAt, timeout: .seconds(25))
            #expect(taker == first, "logs:\n\(fleet.logs())")
            #expect(clock.now - t0 < .seconds(17))
            try await Task.sleep(for: .seconds(1))
            #expect(fleet.overlaps().isEmpty, "overlapping deliveries: \(fleet.overlaps())")
            // The ACL token never shows in any log.
            #expect(!fleet.logs().contains("tok-7f3a9"))
        }
    }
}
