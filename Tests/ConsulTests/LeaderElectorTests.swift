import ConsulSimulator
import Foundation
import PromshardConfig
import PromshardConsul
import PromshardProtocol
import PromshardTestSupport
import Testing

/// Several electors against the simulator: one leader at a time, prompt
/// handover on resign, takeover after TTL + lock-delay on a crash.
@Suite(.serialized) struct LeaderElectorTests {
    func settings(_ sim: ConsulSimulator, lockDelay: Duration = .seconds(2)) -> ConsulSettings {
        var s = ConsulSettings(address: "http://127.0.0.1:\(sim.port)")
        s.leaderElection = true
        s.cluster = "test"
        s.sessionTTL = .seconds(10)
        s.lockDelay = lockDelay
        return s
    }

    func electors(_ n: Int, _ sim: ConsulSimulator, dir: TempDir) -> [(LeaderElector, Recorder<LeaderBody>)] {
        (0..<n).map { i in
            let rec = Recorder<LeaderBody>()
            let e = LeaderElector(settings: settings(sim), stateDir: dir.file("i\(i)"), instance: "i\(i)") {
                rec.add($0)
            }
            return (e, rec)
        }
    }

    func leaders(_ all: [(LeaderElector, Recorder<LeaderBody>)]) -> [Int] {
        all.indices.filter { all[$0].1.last?.isLeader == true }
    }

    @Test func exactlyOneOfThreeLeadsAndResignHandsOverPromptly() async throws {
        try await withSimulator { sim in
            let dir = try TempDir()
            defer { dir.remove() }
            let all = electors(3, sim, dir: dir)
            for (e, _) in all { await e.start() }
            #expect(await eventually(timeout: .seconds(5)) { leaders(all).count == 1 })
            try await Task.sleep(for: .seconds(1))
            let first = try #require(leaders(all).first)
            #expect(leaders(all) == [first])
            #expect(all[(first + 1) % 3].1.last?.holder == "i\(first)", "followers know who leads")
            let clock = ContinuousClock()
            let t0 = clock.now
            await all[first].0.resign()
            #expect(
                await eventually(timeout: .seconds(3), every: .milliseconds(20)) {
                    let l = leaders(all)
                    return l.count == 1 && l != [first]
                })
            #expect(clock.now - t0 < .seconds(3), "handover after resign should be immediate (no lock-delay)")
            for (e, _) in all { await e.resign() }
            #expect(await sim.sessions().isEmpty)
        }
    }

    @Test func aCrashedLeaderIsReplacedAfterTTLPlusLockDelay() async throws {
        try await withSimulator { sim in
            let dir = try TempDir()
            defer { dir.remove() }
            let all = electors(2, sim, dir: dir)
            for (e, _) in all { await e.start() }
            #expect(await eventually(timeout: .seconds(5)) { leaders(all).count == 1 })
            let first = try #require(leaders(all).first)
            let other = 1 - first
            let clock = ContinuousClock()
            let t0 = clock.now
            await all[first].0.abandon()  // as SIGKILL: no release, no renewal
            #expect(
                await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
                    all[other].1.last?.isLeader == true
                })
            let took = clock.now - t0
            // Session TTL 10s (the simulator invalidates at TTL) + lock-delay 2s, plus a little.
            #expect(took >= .seconds(9), "took over too early: \(took)")
            #expect(took < .seconds(16), "took over too late: \(took)")
            await all[other].0.resign()
        }
    }

    /// Instance "a" electing on `sim`, with what it reports.
    func startedLeader(_ sim: ConsulSimulator, _ dir: TempDir) async -> (LeaderElector, Recorder<LeaderBody>)
    {
        let rec = Recorder<LeaderBody>()
        let a = LeaderElector(settings: settings(sim), stateDir: dir.path, instance: "a") { rec.add($0) }
        await a.start()
        return (a, rec)
    }

    @Test func aRestartedInstanceReusesItsSessionAndKeepsTheLock() async throws {
        try await withSimulator { sim in
            let dir = try TempDir()
            defer { dir.remove() }
            let (a, rec) = await startedLeader(sim, dir)
            #expect(await eventually(timeout: .seconds(5)) { rec.last?.isLeader == true })
            let session = rec.last?.session
            await a.abandon()
            let rec2 = Recorder<LeaderBody>()
            let again = LeaderElector(settings: settings(sim), stateDir: dir.path, instance: "a") {
                rec2.add($0)
            }
            await again.start()
            #expect(await eventually(timeout: .seconds(3)) { rec2.last?.isLeader == true })
            #expect(rec2.last?.session == session)
            await again.resign()
        }
    }

    @Test func consulDownMakesTheLeaderStepDownWithinTheTTL() async throws {
        try await withSimulator { sim in
            let dir = try TempDir()
            defer { dir.remove() }
            let (a, rec) = await startedLeader(sim, dir)
            #expect(await eventually(timeout: .seconds(5)) { rec.last?.isLeader == true })
            let clock = ContinuousClock()
            let t0 = clock.now
            await sim.stop()
            #expect(
                await eventually(timeout: .seconds(15), every: .milliseconds(50)) {
                    rec.last?.isLeader == false
                })
            #expect(clock.now - t0 <= .seconds(11))
            #expect(rec.last?.error?.isEmpty == false)
            try await sim.start()
            #expect(await eventually(timeout: .seconds(10)) { rec.last?.isLeader == true })
            await a.resign()
        }
    }
}
