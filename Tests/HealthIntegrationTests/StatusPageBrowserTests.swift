import Foundation
import PromshardTestSupport
import Testing

/// The status page (`GET /`) of a running daemon, rendered by a real headless Chromium.
@Suite(.serialized)
struct StatusPageBrowserTests {
    @Test func chromiumShowsEveryCollectorAndCountAndEscapesAScriptFromDiscovery() async throws {
        let h = try HealthFleet(collectors: 3)
        defer { h.fleet.tearDown() }
        // A target file from discovery with a label name that is a script: its error reaches the page.
        try h.fleet.dir.write(
            "targets/evil.json",
            "[{\"targets\": [\"evil:1\"], \"labels\": {\"<script>alert(1)</script>\": \"x\"}}]\n")
        try h.fleet.start()
        #expect(await eventually(timeout: .seconds(30)) { h.get("/-/ready")?.0 == 200 }, "log:\n\(h.log)")
        var collectors: [[String: Any]] = []
        let settled = await eventually(timeout: .seconds(20)) {
            let services = h.json("/api/v1/status")?["services"] as? [[String: Any]]
            collectors = services?.first?["collectors"] as? [[String: Any]] ?? []
            let errors = services?.first?["sourceErrors"] as? [String] ?? []
            return collectors.count == 3 && collectors.allSatisfy { $0["lastDelivery"] != nil }
                && !errors.isEmpty
        }
        #expect(settled, "log:\n\(h.log)")

        let url = "http://127.0.0.1:\(h.httpPort)/"
        let dom = try await HeadlessChromium.dumpDOM(url)
        for c in collectors {
            let name = try #require(c["name"] as? String)
            let targets = try #require(c["targets"] as? Int)
            #expect(dom.contains("data-collector=\"\(name)\""), "collector \(name) missing:\n\(dom)")
            // The row of that collector shows its count.
            let row = dom.components(separatedBy: "data-collector=\"\(name)\"").dropFirst().first ?? ""
            #expect(row.contains("<span class=\"count\">\(targets)</span>"), "count of \(name) missing")
            #expect(dom.contains("href=\"/api/v1/sd/node/\(name)\""))
        }
        #expect(dom.contains("href=\"/metrics\""))
        #expect(dom.contains("href=\"/api/v1/status\""))
        for role in ["discovery", "hashing", "dispatch", "health"] {
            #expect(dom.contains("data-role=\"\(role)\""))
        }
        // The script is text on the page, never an element.
        #expect(
            dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the label's error is not shown:\n\(dom)")
        #expect(!dom.lowercased().contains("<script"), "a script element got into the page:\n\(dom)")

        // A service with an executor answers http_sd too, with the very bytes the file executor wrote.
        for port in h.fleet.collectors.map(\.port) {
            let sd = try HTTPGet.request(port: h.httpPort, path: "/api/v1/sd/node/127.0.0.1:\(port)")
            #expect(sd.status == 200)
            let written = FileManager.default.contents(atPath: h.fleet.dir.file("out/\(port).json"))
            #expect(written.map(Array.init) == sd.body, "http_sd and the file executor differ for \(port)")
        }

        let png = h.fleet.dir.file("status.png")
        try await HeadlessChromium.screenshot(url, to: png)
        #expect((try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int ?? 0) > 10_000)
    }
}
