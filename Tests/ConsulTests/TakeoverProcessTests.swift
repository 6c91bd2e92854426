import ConsulSimulator
import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A leader takeover under election, all instances delivering with the `file` executor into one
/// shared directory (what the collectors have): the new leader starts from its own sticky
/// history, which followed the same collectors and targets, and its first round drains the
/// collector that died just before the old leader was killed.
@Suite(.serialized) struct TakeoverProcessTests {
    /// Targets per collector port in the shared directory.
    func shared(_ fleet: ConsulFleet) -> [Int: Set<String>] {
        var result: [Int: Set<String>] = [:]
        for c in fleet.collectors {
            if let targets = fileSDTargets(at: fleet.shared.file("out/\(c.port).json")) {
                result[c.port] = targets
            }
        }
        return result
    }

    /// Whether the collectors at `ports` hold all 30 targets exactly once and the others none.
    func covered(_ files: [Int: Set<String>], by ports: [Int], in fleet: ConsulFleet) -> Bool {
        var seen: [String: Int] = [:]
        for port in ports { for t in files[port] ?? [] { seen[t, default: 0] += 1 } }
        let othersEmpty = fleet.collectors.map(\.port).filter { !ports.contains($0) }.allSatisfy {
            files[$0] == []
        }
        return othersEmpty && seen.count == 30 && seen.values.allSatisfy { $0 == 1 }
    }

    /// The instance whose log says it leads.
    func leader(_ fleet: ConsulFleet, among names: [String]) -> String? {
        names.first {
            fleet.instances[$0]?.log.contains("leader: dispatching the current assignment") == true
        }
    }

    @Test func aNewLeaderDrainsTheCollectorThatDiedAndMovesNothingElse() async throws {
        try await withConsulFleet { _, fleet in
            let dest = fleet.shared.file("out/{port}.json")
            for name in ["a", "b", "c"] { try fleet.start(name, fileExecutor: true, dest: dest) }
            let ports = fleet.collectors.map(\.port)
            var before: [Int: Set<String>] = [:]
            let started = await eventually(timeout: .seconds(30)) {
                before = shared(fleet)
                return covered(before, by: ports, in: fleet) && before.values.allSatisfy { !$0.isEmpty }
            }
            #expect(started, "no initial delivery; logs:\n\(fleet.logs())")
            let first = try #require(
                leader(fleet, among: ["a", "b", "c"]), "no leader; logs:\n\(fleet.logs())")
            // Let every follower see the same settled state.
            try await Task.sleep(for: .seconds(2))

            // A collector dies, and the leader is killed before it can notice (fall = 2 × 300 ms).
            fleet.collectors[0].stop()
            fleet.instances[first]?.signal(SIGKILL)
            let clock = ContinuousClock()
            let killed = clock.now
            let survivors = Array(ports.dropFirst())
            var after: [Int: Set<String>] = [:]
            let tookOver = await eventually(timeout: .seconds(30)) {
                after = shared(fleet)
                return covered(after, by: survivors, in: fleet)
            }
            let took = clock.now - killed
            #expect(
                tookOver, "the new leader did not drain and cover; files \(after); logs:\n\(fleet.logs())")
            let second = leader(fleet, among: ["a", "b", "c"].filter { $0 != first })
            #expect(second != nil)
            // Takeover movement: targets that moved between two surviving collectors.
            var stray = 0
            for port in survivors {
                stray += (before[port] ?? []).subtracting(after[port] ?? []).count
            }
            let orphans = before[ports[0]]?.count ?? 0
            print(
                "takeover: \(stray) targets moved between survivors, \(orphans) orphans placed, drained in \(took)"
            )
            #expect(stray == 0, "before \(before) after \(after)")
        }
    }
}
