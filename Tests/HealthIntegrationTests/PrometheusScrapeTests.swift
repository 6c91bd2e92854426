import Foundation
import PromshardTestSupport
import Testing

/// A real Prometheus scrapes promshard's /metrics.
@Suite(.serialized)
struct PrometheusScrapeTests {
    @Test func aRealPrometheusScrapesMetricsAndTheTargetIsUp() async throws {
        let h = try HealthFleet()
        defer { h.fleet.tearDown() }
        try h.fleet.start()
        #expect(await eventually(timeout: .seconds(20)) { h.get("/-/ready")?.0 == 200 }, "log:\n\(h.log)")
        let prometheus = try StaticPrometheus(
            dir: h.fleet.dir.file("prometheus"), job: "promshard", target: "127.0.0.1:\(h.httpPort)")
        defer { prometheus.kill9() }
        try await prometheus.start()
        var last: [String: Any] = [:]
        let up = await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            guard let target = try? prometheus.targets().first else { return false }
            last = target
            return target["health"] as? String == "up"
        }
        #expect(up, "scrape not up: \(last)")
        // Samples of several families made it in, parsed.
        let parsed = await eventually(timeout: .seconds(10), every: .milliseconds(500)) {
            (try? prometheus.query("promshard_build_info"))?.isEmpty == false
                && (try? prometheus.query("promshard_child_up"))?.count == 4
                && (try? prometheus.query("promshard_delivery_duration_seconds_bucket"))?.isEmpty == false
        }
        #expect(parsed)
    }
}
