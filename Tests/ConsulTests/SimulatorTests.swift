import ConsulSimulator
import Foundation
import PromshardConsul
import PromshardTestSupport
import Testing

/// The simulator follows Consul's documented API behaviour (checked with
/// promshard's own client, over loopback).
@Suite(.serialized) struct SimulatorTests {
    @Test func aBlockingQueryReallyBlocksUntilAChangeAndTheIndexGrows() async throws {
        try await withSimulator { sim in
            let client = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            await sim.setService(id: "p1", name: "prom", port: 9090)
            let first = try await client.request(
                "GET", "/v1/health/service/prom", query: [("passing", "true")])
            let index = try #require(first.index)
            let clock = ContinuousClock()
            let started = clock.now
            async let later = client.request(
                "GET", "/v1/health/service/prom",
                query: [("passing", "true"), ("index", String(index)), ("wait", "10s")],
                timeout: .seconds(20))
            try await Task.sleep(for: .milliseconds(600))
            await sim.setService(id: "p2", name: "prom", port: 9091)
            let answer = try await later
            let waited = clock.now - started
            #expect(waited >= .milliseconds(500), "returned before the change")
            #expect(waited < .seconds(5), "did not wake on the change")
            #expect((answer.index ?? 0) > index)
            #expect(try ServiceEntry.decodeList(answer.body).count == 2)
        }
    }

    @Test func aBlockingQueryWithoutChangeReturnsWhenTheWaitExpires() async throws {
        try await withSimulator { sim in
            let client = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            let first = try await client.request("GET", "/v1/health/service/none")
            let clock = ContinuousClock()
            let started = clock.now
            let again = try await client.request(
                "GET", "/v1/health/service/none",
                query: [("index", String(first.index ?? 1)), ("wait", "1s")])
            let waited = clock.now - started
            #expect(waited >= .seconds(1) && waited < .seconds(3))
            #expect(again.index == first.index)
        }
    }

    @Test func passingFiltersOutCriticalInstances() async throws {
        try await withSimulator { sim in
            let client = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            await sim.setService(id: "a", name: "prom", port: 1)
            await sim.setService(id: "b", name: "prom", port: 2, status: "critical")
            let all = try ServiceEntry.decodeList(
                try await client.request("GET", "/v1/health/service/prom").body)
            let passing = try ServiceEntry.decodeList(
                try await client.request("GET", "/v1/health/service/prom", query: [("passing", "true")]).body)
            #expect(all.count == 2)
            #expect(passing.map(\.Service.ID) == ["a"])
        }
    }

    @Test func aWrongTokenIsForbiddenAndTheErrorDoesNotShowIt() async throws {
        try await withSimulator { sim in
            sim.aclToken = "s3cr3t-good"
            let bad = ConsulClient(address: "http://127.0.0.1:\(sim.port)", token: "s3cr3t-bad")
            do {
                _ = try await bad.request("GET", "/v1/health/service/prom")
                Issue.record("expected 403")
            } catch {
                guard case ConsulError.forbidden = error else { throw error }
                #expect(!"\(error)".contains("s3cr3t"))
            }
            let good = ConsulClient(address: "http://127.0.0.1:\(sim.port)", token: "s3cr3t-good")
            #expect(try await good.request("GET", "/v1/health/service/prom").status == 200)
        }
    }

    @Test func acquireReleaseAndTTLExpiryWithLockDelay() async throws {
        try await withSimulator { sim in
            let c = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            func session(_ ttl: String, _ delay: String) async throws -> String {
                let r = try await c.request(
                    "PUT", "/v1/session/create",
                    body: Array("{\"TTL\":\"\(ttl)\",\"LockDelay\":\"\(delay)\"}".utf8))
                return try #require(
                    (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["ID"] as? String
                )
            }
            func acquire(_ s: String) async throws -> Bool {
                String(
                    decoding: try await c.request("PUT", "/v1/kv/lock", query: [("acquire", s)], body: [])
                        .body,
                    as: UTF8.self)
                    == "true"
            }
            // TTL below Consul's 10s minimum is refused.
            await #expect(throws: ConsulError.self) {
                _ = try await c.request("PUT", "/v1/session/create", body: Array("{\"TTL\":\"2s\"}".utf8))
            }
            let a = try await session("10s", "2s")
            let b = try await session("10s", "0s")
            #expect(try await acquire(a))
            #expect(try await acquire(a), "the holder may acquire again")
            #expect(try await !acquire(b))
            // Release: no lock-delay, b acquires at once.
            _ = try await c.request("PUT", "/v1/kv/lock", query: [("release", a)], body: [])
            #expect(try await acquire(b))
            _ = try await c.request("PUT", "/v1/kv/lock", query: [("release", b)], body: [])
            #expect(try await acquire(a))
            // a expires (no renewal): the lock is released and lock-delay (2s) applies.
            let clock = ContinuousClock()
            let started = clock.now
            while await sim.lockHolder("lock") != nil, clock.now - started < .seconds(15) {
                _ = try await c.request("PUT", "/v1/session/renew/\(b)")
                try await Task.sleep(for: .milliseconds(100))
            }
            let expiredAfter = clock.now - started
            #expect(
                expiredAfter >= .seconds(9) && expiredAfter < .seconds(12), "expired after \(expiredAfter)")
            #expect(try await !acquire(b), "lock-delay must refuse the acquire")
            try await Task.sleep(for: .milliseconds(2100))
            #expect(try await acquire(b))
            #expect(try await c.request("PUT", "/v1/session/renew/\(a)").status == 404)
        }
    }

    @Test func resetAndRewindMoveTheIndexBackwards() async throws {
        try await withSimulator { sim in
            let c = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            for i in 0..<5 { await sim.setService(id: "s\(i)", name: "prom", port: 9000 + i) }
            let before = try await c.request("GET", "/v1/health/service/prom")
            // A blocked query on the old index answers at once when the index goes backwards.
            async let blocked = c.request(
                "GET", "/v1/health/service/prom",
                query: [("index", String(before.index ?? 0)), ("wait", "30s")],
                timeout: .seconds(40))
            try await Task.sleep(for: .milliseconds(300))
            await sim.reset()
            let after = try await blocked
            #expect((after.index ?? 0) < (before.index ?? 0))
            #expect(try ServiceEntry.decodeList(after.body).isEmpty)
        }
    }

    @Test func stoppedMeansConnectionRefusedAndStartingAgainKeepsTheState() async throws {
        try await withSimulator { sim in
            let c = ConsulClient(address: "http://127.0.0.1:\(sim.port)")
            await sim.setService(id: "a", name: "prom", port: 1)
            await sim.stop()
            await #expect(throws: ConsulError.self) {
                _ = try await c.request("GET", "/v1/health/service/prom")
            }
            try await sim.start()
            #expect(
                try ServiceEntry.decodeList(try await c.request("GET", "/v1/health/service/prom").body).count
                    == 1
            )
        }
    }
}
