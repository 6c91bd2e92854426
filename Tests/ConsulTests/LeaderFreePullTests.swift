import ConsulSimulator
import Foundation
import PromshardTestSupport
import Testing

/// Pull mode needs no leader: under Consul leader election, the follower
/// answers http_sd with the same documents as the leader, byte for byte.
@Suite(.serialized) struct LeaderFreePullTests {
    /// The `http.listen` port of an instance's config.
    func httpPort(_ fleet: ConsulFleet, _ name: String) -> Int? {
        guard let text = fleet.dirs[name]?.read("promshard.yaml"),
            let range = text.range(of: #"listen: 127\.0\.0\.1:[0-9]+"#, options: .regularExpression)
        else { return nil }
        return Int(text[range].split(separator: ":").last ?? "")
    }

    @Test func leaderAndFollowerServeTheSameDocuments() async throws {
        let sim = try await startedSimulator()
        let fleet = try await ConsulFleet(sim: sim)
        // Torn down before returning (a Task started in a defer may not run before the test process exits).
        do {
            try await check(fleet)
        } catch {
            await fleet.tearDown()
            await sim.shutdown()
            throw error
        }
        await fleet.tearDown()
        await sim.shutdown()
    }

    func check(_ fleet: ConsulFleet) async throws {
        for name in ["a", "b"] { try fleet.start(name) }
        let ports = try ["a", "b"].map { try #require(httpPort(fleet, $0)) }
        func documents(_ port: Int) -> [Int: [UInt8]]? {
            var out: [Int: [UInt8]] = [:]
            for c in fleet.collectors {
                guard let r = try? HTTPGet.request(port: port, path: "/api/v1/sd/node/127.0.0.1:\(c.port)"),
                    r.status == 200
                else { return nil }
                out[c.port] = r.body
            }
            return out
        }
        var seen: [[Int: [UInt8]]] = []
        let same = await eventually(timeout: .seconds(40), every: .milliseconds(250)) {
            seen = ports.compactMap(documents)
            guard seen.count == 2, seen[0] == seen[1] else { return false }
            // All 30 targets, each in exactly one collector's document.
            let all = seen[0].values.flatMap { body -> [String] in
                let groups = (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] ?? []
                return groups.flatMap { ($0["targets"] as? [String]) ?? [] }
            }
            return all.count == 30 && Set(all).count == 30
        }
        #expect(same, "leader and follower differ or lack documents; logs:\n\(fleet.logs())")
        // One of them is the follower, and it served all the same.
        let leaders = ["a", "b"].filter {
            fleet.instances[$0]?.log.contains("leader: dispatching the current assignment") == true
        }
        #expect(leaders.count == 1, "expected exactly one leader; logs:\n\(fleet.logs())")
        print(
            "leader-free pull: leader \(leaders), documents of \(seen.first?.values.map(\.count).sorted() ?? []) bytes"
        )
    }
}
