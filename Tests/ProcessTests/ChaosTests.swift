import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// About 30 s of random `kill -9` of children while collectors flap, from a
/// seed (`PROMSHARD_CHAOS_SEED` to replay one), judged on the delivered files.
@Suite(.serialized)
struct ChaosTests {
    static let roles = ["discovery", "hashing", "dispatch", "health"]
    /// How long after the last collector change the files must be right again:
    /// detection (fall 2 × 300 ms), a restarted child's backoff (≤ 1 s) and
    /// start, hashing and delivery, with room for a loaded machine.
    static let settle: Duration = .seconds(6)

    @Test func randomKillsWhileCollectorsFlapKeepEveryTargetDelivered() async throws {
        let seed =
            ProcessInfo.processInfo.environment["PROMSHARD_CHAOS_SEED"].flatMap(UInt64.init) ?? 20_261_202
        var random = SplitMix64(seed: seed)
        try await Fleet.with(collectors: 4, targets: 200, supervisor: ", max_restarts: 1000") { fleet in
            try fleet.start()
            let supervisor = try #require(fleet.daemon?.pid)
            let ports = fleet.collectors.map(\.port)
            try #require(
                await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) },
                "never converged; log:\n\(fleet.daemon?.log ?? "")")

            let clock = ContinuousClock()
            let end = clock.now + .seconds(30)
            var up = Set(ports)
            var lastChange = clock.now
            var nextKill = clock.now
            var nextFlap = clock.now + .seconds(2)
            var seen = Set(ProcessTable.children(of: supervisor).map(\.pid))
            var kills = 0
            var flaps = 0
            var judged = 0
            var violations: [String] = []
            while clock.now < end {
                if clock.now >= nextKill {
                    let role = Self.roles[Int(random.next() % 4)]
                    if let pid = ProcessTable.child(role, of: supervisor) {
                        kill(pid, SIGKILL)
                        kills += 1
                    }
                    nextKill = clock.now + .milliseconds(Int(300 + random.next() % 1700))
                }
                if clock.now >= nextFlap {
                    let collector = fleet.collectors[Int(random.next() % UInt64(ports.count))]
                    if up.contains(collector.port), up.count > 1 {
                        collector.answer(503)
                        up.remove(collector.port)
                    } else {
                        collector.answer(200)
                        up.insert(collector.port)
                    }
                    flaps += 1
                    lastChange = clock.now
                    nextFlap = clock.now + .milliseconds(Int(7000 + random.next() % 5000))
                }
                seen.formUnion(ProcessTable.children(of: supervisor).map(\.pid))
                // "Missing": once the healthy set has been stable for `settle`, every
                // target must be in the file of at least one healthy collector.
                if clock.now - lastChange >= Self.settle {
                    judged += 1
                    let files = fleet.delivered()
                    let held = Set(up.flatMap { files[$0] ?? [] })
                    let missing = fleet.targets.filter { !held.contains($0) }
                    if !missing.isEmpty {
                        violations.append(
                            "\(missing.count) targets missing with healthy \(up.sorted()) (e.g. \(missing[0]))"
                        )
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            let context = "seed \(seed), \(kills) kills, \(flaps) flaps"
            print("chaos: \(context), \(judged) samples judged, \(violations.count) violations")
            #expect(kills >= 10 && flaps >= 2, "not much chaos: \(context)")
            #expect(judged > 0, "never judged a stable period: \(context)")
            #expect(violations.isEmpty, "\(context): \(violations.prefix(5))")
            #expect(fleet.daemon?.isRunning == true, "the supervisor gave up: \(context)")

            // Converges: all collectors healthy again, every target exactly once.
            for c in fleet.collectors { c.answer(200) }
            #expect(
                await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) },
                "\(context): did not converge; files: \(fleet.delivered().mapValues(\.count))")

            // No orphan: every child ever seen is gone soon after the supervisor is killed.
            seen.formUnion(ProcessTable.children(of: supervisor).map(\.pid))
            kill(supervisor, SIGKILL)
            let gone = await eventually(timeout: .seconds(5), every: .milliseconds(50)) {
                seen.allSatisfy { !ProcessTable.alive($0) }
            }
            #expect(gone, "\(context): children left: \(seen.filter(ProcessTable.alive))")
        }
    }
}

/// A small seeded generator (SplitMix64): the same seed, the same chaos.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
