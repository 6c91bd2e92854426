import Foundation
import PromshardTestSupport
import Testing

/// The router with real parts: three `prometheus-pushgateway` processes, the
/// real promshard daemon, curl, python's `prometheus_client` and Prometheus.
@Suite(.serialized) struct PushRouterProcessTests {
    static func path(_ i: Int) -> String { "/metrics/job/j\(i)/zone/z\(i % 3)/slot/s\(i)" }

    func push(_ f: PushRouterFixture, _ i: Int, value: Int = 1, method: String = "PUT") -> Int {
        curl(["-X", method, "--data-binary", "m \(value)\n", "\(f.router)\(Self.path(i))"]).status
    }

    @Test func groupsLandOnExactlyOneGatewayWhateverTheSpelling() async throws {
        try await PushRouterFixture.with { f in
            for i in 0..<120 { #expect(push(f, i) == 200) }
            var placement = try f.placement()
            #expect(placement.count == 120)
            for i in 0..<120 {
                #expect(placement["j\(i)"]?.count == 1)
                #expect(placement["j\(i)"]?.first == f.owner(Self.path(i)))
            }
            #expect(Set(placement.values.compactMap(\.first)).count == 3)

            // Labels reordered, or @base64 (j7 = ajc, z1 = ejE=): the same group, same gateway.
            #expect(
                curl(["-X", "PUT", "--data-binary", "m 2\n", "\(f.router)/metrics/job/j7/slot/s7/zone/z1"])
                    .status == 200)
            #expect(
                curl([
                    "-X", "POST", "--data-binary", "n 3\n",
                    "\(f.router)/metrics/job@base64/ajc/slot/s7/zone@base64/ejE=",
                ]).status == 200)
            placement = try f.placement()
            #expect(placement["j7"] == [f.owner(Self.path(7))!])
            #expect(f.owner("/metrics/job@base64/ajc/slot/s7/zone@base64/ejE=") == f.owner(Self.path(7)))

            // The Pushgateway's own validation error comes back through the proxy.
            let bad = curl(["-X", "PUT", "--data-binary", "not a metric{{\n", "\(f.router)\(Self.path(8))"])
            #expect(bad.status == 400)
            #expect(bad.body.contains("text format parsing error"))
            // Past max_body_bytes: 413, nothing forwarded.
            let big = String(repeating: "# padding\n", count: 7000)
            #expect(curl(["-X", "PUT", "--data-binary", big, "\(f.router)\(Self.path(9))"]).status == 413)
            // A path that is not a grouping key: 400 from the router.
            #expect(
                curl(["-X", "PUT", "--data-binary", "m 1\n", "\(f.router)/metrics/job/j1/zone"]).status == 400
            )

            // DELETE through the router, plain and @base64.
            #expect(curl(["-X", "DELETE", "\(f.router)\(Self.path(3))"]).status == 202)
            #expect(
                curl(["-X", "DELETE", "\(f.router)/metrics/job@base64/ajc/zone/z1/slot/s7"]).status == 202)
            placement = try f.placement()
            #expect(placement["j3"] == nil && placement["j7"] == nil)
            #expect(placement.count == 118)

            // mode: redirect (applied by SIGHUP): 307 to the owner. The owner is asked
            // first: while the router restarts its listener for the new mode, it answers nothing.
            let owner = try #require(f.owner(Self.path(5)))
            try f.dir.write("promshard.yaml", f.config(mode: "redirect"))
            f.daemon?.signal(SIGHUP)
            let redirected = await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
                curl(["-X", "PUT", "-D", "-", "--data-binary", "m 1\n", "\(f.router)\(Self.path(5))"]).body
                    .lowercased().contains("location: http://\(owner)\(Self.path(5))")
            }
            #expect(redirected)
        }
    }

    @Test func pythonPrometheusClientWorksThroughTheProxy() async throws {
        let python = try PythonClient.interpreter()
        try await PushRouterFixture.with { f in
            let script = """
                import sys
                from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, pushadd_to_gateway, delete_from_gateway
                r = CollectorRegistry()
                Gauge('py_gauge', 'a gauge', registry=r).set(42)
                gw = sys.argv[1]
                key = {'instance': 'a/b', 'zone': 'z1'}
                push_to_gateway(gw, job='py-job', registry=r, grouping_key=key)
                r2 = CollectorRegistry()
                Gauge('py_other', 'another', registry=r2).set(7)
                pushadd_to_gateway(gw, job='py-job', registry=r2, grouping_key=key)
                print('pushed', flush=True)
                sys.stdin.readline()
                delete_from_gateway(gw, job='py-job', grouping_key=key)
                print('deleted', flush=True)
                """
            try f.dir.write("client.py", script)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [f.dir.file("client.py"), "127.0.0.1:\(f.routerPort)"]
            let input = Pipe()
            let output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            let first = output.fileHandleForReading.availableLine()
            #expect(first == "pushed")
            var placement = try f.placement()
            #expect(placement["py-job"]?.count == 1)
            let owner = f.owner("/metrics/job/py-job/zone/z1/instance@base64/YS9i")
            #expect(placement["py-job"]?.first == owner)
            let text = curl(["http://\(owner ?? "")/metrics"]).body
            #expect(text.contains("py_gauge{instance=\"a/b\",job=\"py-job\",zone=\"z1\"} 42"))
            #expect(text.contains("py_other{instance=\"a/b\",job=\"py-job\",zone=\"z1\"} 7"))
            input.fileHandleForWriting.write("go\n".data(using: .utf8)!)
            #expect(output.fileHandleForReading.availableLine() == "deleted")
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            placement = try f.placement()
            #expect(placement["py-job"] == nil)
        }
    }

    @Test func aDeadGatewaysGroupsMoveAndComeBackWithoutDuplicates() async throws {
        try await PushRouterFixture.with { f in
            for i in 0..<120 { #expect(push(f, i) == 200) }
            let victim = f.gateways[0]
            let owned = (0..<120).filter { f.owner(Self.path($0)) == victim.address }
            #expect(!owned.isEmpty)
            victim.kill9()
            let moved = await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
                f.owner(Self.path(owned[0])) != victim.address
            }
            #expect(moved)
            // The status page shows the gateways with their health.
            let page = await eventually(timeout: .seconds(10), every: .milliseconds(200)) {
                let html = curl(["http://127.0.0.1:\(f.httpPort)/"]).body
                return html.contains("2 of 3 gateways healthy")
                    && html.contains("data-gateway=\"\(victim.address)\"")
            }
            #expect(page, "status page: \(curl(["http://127.0.0.1:\(f.httpPort)/"]).body)")
            // Survivors accept its groups; the others do not move.
            for i in 0..<120 { #expect(push(f, i, value: 2) == 200) }
            #expect(
                (0..<120).filter { !owned.contains($0) }.allSatisfy {
                    f.owner(Self.path($0)) != victim.address
                })

            // It comes back empty and gets its groups back by itself.
            try await victim.start()
            let back = await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
                f.owner(Self.path(owned[0])) == victim.address
            }
            #expect(back)
            // Half of the groups are pushed again; the copies left on the survivors are
            // deleted, and the groups not pushed again are moved to their owner.
            for i in 0..<120 where i % 2 == 0 { #expect(push(f, i, value: 3) == 200) }
            let single = try await eventually(timeout: .seconds(30), every: .milliseconds(300)) {
                let p = try f.placement()
                return p.count == 120 && p.values.allSatisfy { $0.count == 1 }
            }
            #expect(single)
            let placement = try f.placement()
            for i in owned { #expect(placement["j\(i)"] == [victim.address]) }

            // A real Prometheus scraping all three with honor_labels sees every group once.
            let prometheus = try ScrapingPrometheus(
                dir: f.dir.file("prometheus"), targets: f.gateways.map(\.address))
            try await prometheus.start()
            defer { prometheus.stop() }
            let seen = try await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
                try prometheus.query("m").count == 120
            }
            #expect(seen)
            let series = try prometheus.query("m")
            let jobs = series.compactMap { ($0["metric"] as? [String: String])?["job"] }
            #expect(Set(jobs).count == 120 && jobs.count == 120)
        }
    }
}

extension FileHandle {
    /// One line (without the newline), blocking until it arrives or EOF.
    func availableLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let d = readData(ofLength: 1)
            if d.isEmpty || d.first == 0x0A { break }
            bytes += d
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
