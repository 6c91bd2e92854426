import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Pull mode against three real Prometheus servers reading their share over
/// `http_sd_configs` (refresh 2 s) from a real promshard with
/// `executor: none`: every target is active on exactly one server; a killed
/// server's targets reach the survivors; and promshard being down (connection
/// refused), or an http_sd answering 503, never empties a collector.
@Suite(.serialized)
struct PullModePrometheusTests {
    static let job = "node"

    @Test func threePrometheusServersPullTheirShareAndKeepItWhilePromshardIsDown() async throws {
        let dir = try TempDir("promshard-pull")
        var servers: [PrometheusServer] = []
        var daemon: TestProcess?
        var standIn: TinyHTTPServer?
        defer {
            daemon?.kill9()
            standIn?.stop()
            servers.forEach { $0.kill9() }
            dir.remove()
        }
        let httpPort = freePort()
        for i in 0..<3 {
            servers.append(
                try PrometheusServer(dir: dir.file("prom\(i)"), job: Self.job) { port in
                    "http://127.0.0.1:\(httpPort)/api/v1/sd/\(Self.job)/127.0.0.1:\(port)"
                })
        }
        let targets = (0..<60).map { "127.0.0.1:\(42000 + $0)" }
        let quoted = targets.map { "\"\($0)\"" }.joined(separator: ", ")
        try dir.write("targets/all.json", "[{\"targets\": [\(quoted)], \"labels\": {\"team\": \"pull\"}}]\n")
        for s in servers { try await s.start() }

        let statics = servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ", ")
        try dir.write(
            "promshard.yaml",
            """
            state_dir: ./var
            http: { listen: 127.0.0.1:\(httpPort) }
            services:
              - name: \(Self.job)
                collectors:
                  static: [\(statics)]
                  health_check: { path: /-/healthy, interval: 1s, timeout: 1s, fall: 2, rise: 2 }
                targets:
                  files: [targets/*.json]
                dispatch:
                  executor: none

            """)
        func startDaemon() throws {
            daemon = try TestProcess(
                try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
                log: dir.file("promshard.log"))
        }
        try startDaemon()

        // 1. Every target active on exactly one server, each server with some.
        var before: [String: [Int]] = [:]
        let initial = await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
            before = placement(servers, job: Self.job)
            return exactlyOnce(before, targets: targets)
                && servers.allSatisfy { s in before.values.contains { $0 == [s.port] } }
        }
        #expect(initial, "initial pull sharding failed; promshard log:\n\(daemon?.log ?? "")")
        // Nothing to deliver: ready all the same.
        #expect(try HTTPGet.request(port: httpPort, path: "/-/ready").status == 200)

        // The endpoint itself: JSON, an ETag, 304 for a poll that has it, 404 for a stranger.
        let first = "/api/v1/sd/\(Self.job)/127.0.0.1:\(servers[1].port)"
        let r = try HTTPGet.request(port: httpPort, path: first)
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/json")
        let etag = try #require(r.headers["etag"])
        let again = try HTTPGet.request(port: httpPort, path: first, headers: ["If-None-Match": etag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(try HTTPGet.request(port: httpPort, path: "/api/v1/sd/\(Self.job)/127.0.0.1:1").status == 404)
        #expect(try HTTPGet.request(port: httpPort, path: "/api/v1/sd/nope/x").status == 404)
        let jobs = String(decoding: try HTTPGet.request(port: httpPort, path: "/jobs").body, as: UTF8.self)
        #expect(jobs.contains("\"_link\": \"/jobs/\(Self.job)/targets\""))
        let ta = try HTTPGet.request(
            port: httpPort, path: "/jobs/\(Self.job)/targets?collector_id=127.0.0.1:\(servers[1].port)")
        #expect(ta.body == r.body)

        // 2. Kill one: the survivors pull its targets (probe fall + http_sd refresh + 5 s discovery tick).
        let victim = servers[0]
        victim.kill9()
        let killedAt = ContinuousClock.now
        let survivors = Array(servers.dropFirst())
        var degraded: [String: [Int]] = [:]
        var servedAfter: Duration?
        let tookOver = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            if servedAfter == nil {
                let served = survivors.flatMap { s in
                    Self.addresses(
                        try? HTTPGet.get(port: httpPort, path: "/api/v1/sd/\(Self.job)/127.0.0.1:\(s.port)").1
                    )
                }
                if Set(served) == Set(targets) { servedAfter = ContinuousClock.now - killedAt }
            }
            degraded = placement(survivors, job: Self.job)
            return exactlyOnce(degraded, targets: targets)
        }
        print(
            "pull: promshard served the survivors every target \(servedAfter.map { "\($0)" } ?? "-") after the kill;"
                + " Prometheus held them \(ContinuousClock.now - killedAt) after it")
        #expect(tookOver, "survivors did not take over; promshard log:\n\(daemon?.log ?? "")")
        for (target, owner) in before where owner != [victim.port] {
            #expect(degraded[target] == owner, "\(target) moved although its collector survived")
        }

        // 3. promshard down (connection refused): after several refreshes the survivors still hold everything.
        daemon?.signal(SIGTERM)
        _ = await daemon?.wait(timeout: .seconds(15))
        daemon?.kill9()
        try await Task.sleep(for: .seconds(8))
        #expect(
            exactlyOnce(placement(survivors, job: Self.job), targets: targets),
            "a survivor lost targets while promshard was down")

        // 4. An http_sd answering 503 on the same address: still no target lost.
        let failing = try TinyHTTPServer(port: httpPort)
        standIn = failing
        failing.answer(503)
        let polled = await eventually(timeout: .seconds(15), every: .milliseconds(200)) {
            failing.requests.filter { $0.hasPrefix("GET /api/v1/sd/") }.count >= 4
        }
        #expect(polled, "Prometheus did not poll the failing http_sd")
        try await Task.sleep(for: .seconds(6))  // a full discovery tick after the last 503
        #expect(
            exactlyOnce(placement(survivors, job: Self.job), targets: targets),
            "a survivor lost targets while http_sd answered 503")
        failing.stop()
        standIn = nil

        // 5. promshard back: the same shares again (every instance computes the same assignment).
        try startDaemon()
        let back = await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            (try? HTTPGet.request(port: httpPort, path: first).status) == 200
        }
        #expect(back, "promshard did not serve http_sd after its restart; log:\n\(daemon?.log ?? "")")
        #expect(exactlyOnce(placement(survivors, job: Self.job), targets: targets))
    }

    /// The target addresses of an http_sd document.
    static func addresses(_ body: [UInt8]?) -> [String] {
        guard let body, let groups = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]
        else {
            return []
        }
        return groups.flatMap { ($0["targets"] as? [String]) ?? [] }
    }
}
