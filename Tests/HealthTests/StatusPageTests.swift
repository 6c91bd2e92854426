import PromshardHealth
import PromshardProtocol
import Testing

/// The status page's HTML (the browser test in HealthIntegrationTests renders it in Chromium).
struct StatusPageTests {
    func input(collector: String = "a:1", error: String? = nil) -> StatusPageInput {
        let document = StatusDocument(
            version: "1.0", healthy: false, ready: true, reasons: ["service <b>: no healthy collector"],
            assignmentVersion: 4, deliveredVersion: 3,
            children: [
                .init(role: "dispatch", pid: 42, running: true, restarts: 2, uptimeSeconds: 75),
                .init(role: "health", pid: nil, running: false, restarts: 0, uptimeSeconds: nil),
            ],
            services: [
                .init(
                    name: "node", collectorsHealthy: 1, collectorsTotal: 2, targets: 30, sourceErrors: [],
                    collectors: [
                        .init(name: collector, healthy: true, lastError: nil, targets: 20, lastDelivery: nil),
                        .init(name: "b:2", healthy: false, lastError: error, targets: 10, lastDelivery: nil),
                    ])
            ],
            leader: LeaderBody(enabled: true, isLeader: false, holder: "other"), zabbix: nil)
        return StatusPageInput(
            document: document, executors: ["node": "none"], replicas: ["node": 1], serving: ["node": true],
            nowMs: 0)
    }

    @Test func everyCollectorCountAndChildIsShown() {
        let html = StatusPage().render(input())
        for text in [
            "a:1", "b:2", ">20<", ">10<", "fair share 30", "pull (http_sd)", "dispatch", "restarts",
            "/api/v1/sd/node/a:1", "/metrics", "/api/v1/status", "holder other", "follower",
        ] {
            #expect(html.contains(text), "missing \(text)")
        }
    }

    @Test func everythingFromConfigOrDiscoveryIsEscaped() {
        let html = StatusPage().render(
            input(collector: "<script>alert(1)</script>", error: "bad \"quote\" & <img src=x>"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("bad &quot;quote&quot; &amp; &lt;img src=x&gt;"))
        #expect(html.contains("service &lt;b&gt;: no healthy collector"))
        // In an attribute, too (the link's href is percent-encoded, the data attribute escaped).
        #expect(html.contains("data-collector=\"&lt;script&gt;"))
        #expect(html.contains("/api/v1/sd/node/%3Cscript%3E"))
    }

    @Test func sectionsAreAListOthersCanExtend() {
        var page = StatusPage()
        page.sections.append { _ in
            StatusPageSection(id: "gateways", title: "Push gateways", html: "<p>two</p>")
        }
        page.sections.append { _ in nil }
        let html = page.render(input())
        #expect(html.contains("<section id=\"gateways\">\n<h2>Push gateways</h2>\n<p>two</p>"))
        let order = ["id=\"services\"", "id=\"leader\"", "id=\"children\"", "id=\"gateways\""].map {
            html.range(of: $0)?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    }

    @Test func pushGatewaysAreShownWithTheirHealthAndEscaped() {
        var page = input()
        #expect(!StatusPage().render(page).contains("Push gateways"), "no section without push:")
        page.push = .init(listen: "127.0.0.1:9091", mode: "proxy")
        page.gateways = GatewaysBody(
            gateways: [
                CollectorState(
                    name: "127.0.0.1:9192", address: "127.0.0.1", port: 9192, healthy: false,
                    lastError: "connection <refused>"),
                CollectorState(name: "127.0.0.1:9191", address: "127.0.0.1", port: 9191, healthy: true),
            ],
            errors: [SourceError(service: "@push", source: "consul", message: "unreachable")])
        let html = StatusPage().render(page)
        for text in [
            "<h2>Push gateways</h2>", "127.0.0.1:9091", "mode proxy", "1 of 2 gateways healthy",
            "data-gateway=\"127.0.0.1:9191\"", "connection &lt;refused&gt;", "consul: unreachable",
        ] {
            #expect(html.contains(text), "missing \(text)")
        }
        let first = html.range(of: "data-gateway=\"127.0.0.1:9191\"")?.lowerBound
        let second = html.range(of: "data-gateway=\"127.0.0.1:9192\"")?.lowerBound
        #expect(first != nil && second != nil && first! < second!, "gateways sorted by name")
    }

    @Test func fairShareCountsReplicas() {
        #expect(StatusServicesSection.fairShare(targets: 60, replicas: 1, healthy: 3) == 20)
        #expect(StatusServicesSection.fairShare(targets: 60, replicas: 2, healthy: 3) == 40)
        #expect(StatusServicesSection.fairShare(targets: 60, replicas: 1, healthy: 0) == 0)
    }
}
