import Foundation
import PromshardTestSupport
import PromshardZabbix
import Testing

/// The heartbeat against a real Zabbix 6.0 server (Debian
/// `zabbix-server-pgsql`) with its own PostgreSQL cluster, set up once for
/// the whole run (``ZabbixServer/shared``). Every test uses its own Zabbix
/// host so the tests do not see each other's values.
@Suite(.serialized)
struct ZabbixServerTests {
    /// Starts the shared server and creates `host` with the ping (unsigned)
    /// and status (text) trapper items; waits until the server accepts values for it.
    func server(host: String) async throws -> ZabbixServer.Instance {
        let zabbix = ZabbixServer.shared
        let instance = try await zabbix.start()
        try instance.addHost(host, items: [("promshard.ping", .unsigned), ("promshard.status", .text)])
        // The configuration cache is refreshed every second: wait until the item is known.
        let sender = ZabbixSender(servers: [instance.address], timeout: .seconds(3))
        let known = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            let probe = SenderRequest(
                data: [
                    SenderItem(
                        host: host, key: "promshard.status", value: "probe",
                        clock: Int64(Date().timeIntervalSince1970), ns: 0)
                ],
                clock: Int64(Date().timeIntervalSince1970), ns: 0)
            return (try? sender.send(probe).get().response.allProcessed) == true
        }
        guard known else { throw TestSupportError("zabbix never accepted values for \(host)") }
        return instance
    }

    @Test func value1ArrivesAtTheIntervalThen0WhenAllCollectorsOfAServiceAreDown() async throws {
        let host = "promshard-heartbeat"
        let instance = try await server(host: host)
        let closed = freePort()
        // The first server is down: failover to the second one.
        let h = try HealthFleet(
            zabbix:
                "{ server: [127.0.0.1:\(closed), \(instance.address)], host: \(host), key: promshard.ping, status_key: promshard.status, interval: 2s, timeout: 1s }"
        )
        defer { h.fleet.tearDown() }
        try h.fleet.start()

        var ones: [Int] = []
        let repeated = await eventually(timeout: .seconds(40), every: .milliseconds(500)) {
            let values = (try? instance.history(host: host, key: "promshard.ping")) ?? []
            ones = values.filter { $0.value == "1" }.map(\.clock)
            return ones.count >= 4
        }
        #expect(repeated, "values: \(ones); log:\n\(h.log)")
        // Consecutive heartbeats are about `interval` (2 s) apart (clock has 1 s resolution).
        let gaps = zip(ones.dropFirst(), ones).map { $0 - $1 }
        #expect(gaps.allSatisfy { (1...5).contains($0) }, "gaps between heartbeats: \(gaps)")
        let texts = try instance.history(host: host, key: "promshard.status", text: true)
        #expect(
            texts.contains { $0.value.hasPrefix("OK: children 4/4; node: 2/2 collectors, 20 targets") },
            "\(texts)")

        // Every collector of the only service dies: the heartbeat turns 0.
        let before = Int(Date().timeIntervalSince1970)
        for collector in h.fleet.collectors { collector.stop() }
        var after: [(clock: Int, value: String)] = []
        let zero = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            after = ((try? instance.history(host: host, key: "promshard.ping")) ?? []).filter {
                $0.clock >= before
            }
            return after.contains { $0.value == "0" }
        }
        #expect(zero, "values since the collectors died: \(after); log:\n\(h.log)")
        let problem = try instance.history(host: host, key: "promshard.status", text: true)
        #expect(
            problem.contains { $0.value.hasPrefix("PROBLEM:") && $0.value.contains("no healthy collector") })
        let metrics = h.get("/metrics")?.1 ?? ""
        #expect(metrics.contains("promshard_zabbix_sends_total{result=\"ok\"}"), "\(metrics)")
    }

    @Test func anUnknownKeyIsReportedAsAConfigurationProblem() async throws {
        let host = "promshard-unknown-key"
        let instance = try await server(host: host)
        let h = try HealthFleet(
            zabbix:
                "{ server: \(instance.address), host: \(host), key: promshard.no_such_item, interval: 1s }")
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        let logged = await eventually(timeout: .seconds(30)) {
            h.log.contains("zabbix configuration problem")
        }
        #expect(logged, "log:\n\(h.log)")
        let line =
            h.log.split(separator: "\n").first { $0.contains("zabbix configuration problem") }.map(
                String.init) ?? ""
        #expect(line.contains("failed=1"), "\(line)")
        #expect(line.contains("promshard.no_such_item") && line.contains("Zabbix trapper"), "\(line)")
        #expect(
            await eventually(timeout: .seconds(10)) {
                h.get("/metrics")?.1.contains("promshard_zabbix_sends_total{result=\"rejected\"}") == true
            })
        let status = h.json("/api/v1/status")?["zabbix"] as? [String: Any]
        #expect(status?["result"] as? String == "rejected")
        // Not a promshard health problem: the daemon itself is healthy.
        #expect(h.get("/-/healthy")?.0 == 200)
    }

    @Test func anUnreachableServerIsRetriedAndCountedWithoutBlockingTheChild() async throws {
        // No real server needed: nothing listens on this port.
        let closed = freePort()
        let h = try HealthFleet(
            zabbix: "{ server: 127.0.0.1:\(closed), host: nowhere, interval: 1s, timeout: 1s }")
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        let counted = await eventually(timeout: .seconds(30)) {
            guard let metrics = h.get("/metrics")?.1,
                let line = metrics.split(separator: "\n").first(where: {
                    $0.hasPrefix("promshard_zabbix_sends_total{result=\"unreachable\"}")
                }),
                let value = Double(line.split(separator: " ").last ?? "")
            else { return false }
            return value >= 2
        }
        #expect(counted, "log:\n\(h.log)")
        #expect(h.log.contains("zabbix heartbeat not sent, retrying next interval"))
        #expect(h.get("/-/healthy")?.0 == 200)
    }
}
