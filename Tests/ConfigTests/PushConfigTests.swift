import PromshardConfig
import Testing

@Suite("Config: push:")
struct PushConfigTests {
    @Test func aRouterOnlyConfigNeedsNoServices() throws {
        let yaml = """
            push:
              gateways:
                static: [127.0.0.1:9191, {address: 127.0.0.1:9192, weight: 2}]
                health_check: { interval: 1s, fall: 3 }
            """
        for services in ["", "services: []\n"] {
            let config = try ConfigLoader.parse(yaml: services + yaml, sourcePath: configPath)
            #expect(config.services.isEmpty)
            let push = try #require(config.push)
            #expect(push.listen == "127.0.0.1:9091")
            #expect(push.mode == .proxy)
            #expect(push.gateways.static.map(\.name) == ["127.0.0.1:9191", "127.0.0.1:9192"])
            #expect(push.gateways.static[1].weight == 2)
            #expect(push.gateways.healthCheck.interval == .seconds(1))
            #expect(push.gateways.healthCheck.fall == 3)
            #expect(push.maxBodyBytes == 16 << 20)
        }
        let redirect = try ConfigLoader.parse(
            yaml:
                "push:\n  mode: redirect\n  listen: 0.0.0.0:19091\n  gateways: {consul_service: pushgateway}\n",
            sourcePath: configPath)
        #expect(redirect.push?.mode == .redirect)
        #expect(redirect.push?.gateways.consulService == "pushgateway")
        #expect(redirect.push?.listen == "0.0.0.0:19091")
    }

    @Test func withoutPushServicesAreStillRequired() {
        expectError("services: []\n", path: "services", line: 1, "must list at least one service")
    }

    @Test func badValuesNameTheKeyAndLine() {
        let yaml = """
            services: []
            http: { listen: 127.0.0.1:9292 }
            push:
              listen: 127.0.0.1:9292
              mode: mirror
              max_body_bytes: 0
              timeout: 10
              gateways: {}
              gatways: 1
            """
        expectError(yaml, path: "push.listen", line: 4, "also http.listen")
        expectError(yaml, path: "push.mode", line: 5, "unknown mode \"mirror\": expected proxy or redirect")
        expectError(yaml, path: "push.max_body_bytes", line: 6, "must be at least 1")
        expectError(yaml, path: "push.timeout", line: 7, "missing unit")
        expectError(yaml, path: "push.gateways", line: 8, "no gateways: set gateways.static")
        expectError(yaml, path: "push.gatways", line: 9, "did you mean \"gateways\"?")
        expectError(
            "push:\n  listen: 127.0.0.1:9091\n", path: "push.gateways", line: 2, "missing required key")
    }
}
