import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP endpoints of the running daemon.
@Suite(.serialized)
struct HealthEndpointTests {
    @Test func healthyTurns503WhileAChildIsStoppedAndBackTo200AfterItsRestart() async throws {
        // A long backoff keeps the killed child down long enough to see it.
        let h = try HealthFleet(backoff: "4s")
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        let supervisor = try #require(h.fleet.daemon?.pid)
        #expect(await eventually(timeout: .seconds(20)) { h.get("/-/healthy")?.0 == 200 }, "log:\n\(h.log)")
        #expect(
            await eventually(timeout: .seconds(20)) { h.get("/-/ready")?.0 == 200 },
            "never ready; log:\n\(h.log)")

        let hashing = try #require(ProcessTable.child("hashing", of: supervisor))
        kill(hashing, SIGKILL)
        var body = ""
        let down = await eventually(timeout: .seconds(3), every: .milliseconds(50)) {
            guard let (status, text) = h.get("/-/healthy"), status == 503 else { return false }
            body = text
            return true
        }
        #expect(down, "log:\n\(h.log)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect((json["reasons"] as? [String])?.contains("child hashing is not running") == true, "\(body)")
        #expect(await eventually(timeout: .seconds(15)) { h.get("/-/healthy")?.0 == 200 }, "log:\n\(h.log)")
        #expect(ProcessTable.child("hashing", of: supervisor) != hashing)

        // The status document shows the restart.
        let status = try #require(h.json("/api/v1/status"))
        let children = try #require(status["children"] as? [[String: Any]])
        let entry = try #require(children.first { $0["role"] as? String == "hashing" })
        #expect(entry["restarts"] as? Int == 1)
        #expect(entry["pid"] as? Int != nil)
        #expect(entry["uptimeSeconds"] as? Double != nil)
        let metrics = try #require(h.get("/metrics")).1
        #expect(metrics.contains("promshard_child_restarts_total{role=\"hashing\"} 1"))
    }

    @Test func statusDocumentListsCollectorsTargetsAndDeliveries() async throws {
        let h = try HealthFleet(collectors: 3)
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        #expect(await eventually(timeout: .seconds(20)) { h.get("/-/ready")?.0 == 200 }, "log:\n\(h.log)")
        let delivered = await eventually(timeout: .seconds(10)) {
            let services = h.json("/api/v1/status")?["services"] as? [[String: Any]]
            let collectors = services?.first?["collectors"] as? [[String: Any]] ?? []
            return collectors.count == 3 && collectors.allSatisfy { $0["lastDelivery"] != nil }
        }
        #expect(delivered)
        let status = try #require(h.json("/api/v1/status"))
        #expect(status["healthy"] as? Bool == true)
        #expect(status["ready"] as? Bool == true)
        #expect((status["children"] as? [[String: Any]])?.count == 4)
        let service = try #require((status["services"] as? [[String: Any]])?.first)
        #expect(service["name"] as? String == "node")
        #expect(service["targets"] as? Int == 20)
        #expect(service["collectorsHealthy"] as? Int == 3)
        let collectors = try #require(service["collectors"] as? [[String: Any]])
        #expect(collectors.reduce(0) { $0 + (($1["targets"] as? Int) ?? 0) } == 20)
        #expect(status.keys.contains("leader"))
        // Deliveries and assignment metrics from the bus, and the hashing child's own.
        let metrics = try #require(h.get("/metrics")).1
        #expect(metrics.contains("promshard_targets{service=\"node\"} 20"))
        #expect(metrics.contains("promshard_collectors_healthy{service=\"node\"} 3"))
        #expect(metrics.contains("promshard_deliveries_total{collector="))
        #expect(metrics.contains("promshard_delivery_duration_seconds_bucket{service=\"node\",le=\"+Inf\"}"))
        #expect(metrics.contains("promshard_build_info{"))
        let fromHashing = await eventually(timeout: .seconds(10)) {
            h.get("/metrics")?.1.contains("promshard_assignment_computations_total{result=\"published\"}")
                == true
        }
        #expect(fromHashing, "the hashing child's metrics never reached /metrics")
    }

    @Test func aTakenPortIsLoggedAndBoundLater() async throws {
        let blocker = try TinyHTTPServer()
        let h = try HealthFleet(httpPort: blocker.port)
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        #expect(
            await eventually(timeout: .seconds(15)) { h.log.contains("cannot serve http") }, "log:\n\(h.log)")
        // The rest of the daemon works meanwhile: the status summary is published.
        #expect(await eventually(timeout: .seconds(15)) { h.log.contains("msg=status") })
        blocker.stop()
        #expect(await eventually(timeout: .seconds(15)) { h.get("/-/healthy")?.0 == 200 }, "log:\n\(h.log)")
    }
}
