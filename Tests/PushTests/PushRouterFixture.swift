import Foundation
import PromshardTestSupport

/// Three real Pushgateways behind a real `promshard run` whose config has
/// only `push:` (`services: []`), and curl to talk to them.
final class PushRouterFixture: @unchecked Sendable {
    let dir: TempDir
    let gateways: [Pushgateway]
    let routerPort = freePort()
    let httpPort = freePort()
    private(set) var daemon: TestProcess?

    init() throws {
        let dir = try TempDir("promshard-push")
        self.dir = dir
        gateways = try (0..<3).map { _ in try Pushgateway(dir: dir.path) }
    }

    var router: String { "http://127.0.0.1:\(routerPort)" }

    func config(mode: String = "proxy") -> String {
        """
        state_dir: \(dir.path)/var
        http: { listen: 127.0.0.1:\(httpPort) }
        services: []
        push:
          listen: 127.0.0.1:\(routerPort)
          mode: \(mode)
          max_body_bytes: 65536
          reconcile_interval: 1s
          timeout: 5s
          gateways:
            static: [\(gateways.map(\.address).joined(separator: ", "))]
            health_check: { path: /-/healthy, interval: 300ms, timeout: 1s, fall: 1, rise: 1 }

        """
    }

    func start() async throws {
        for g in gateways { try await g.start() }
        try dir.write("promshard.yaml", config())
        daemon = try TestProcess(
            try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
            log: dir.file("promshard.log"))
        let up = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            curl(["\(router)/metrics/job/probe"]).status == 200
        }
        guard up else { throw TestSupportError("router not routing:\n\(daemon?.log ?? "")") }
    }

    func tearDown() {
        if let daemon, daemon.isRunning {
            daemon.signal(SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while daemon.isRunning && Date() < deadline { usleep(50_000) }
            daemon.kill9()
        }
        for g in gateways { g.kill9() }
        // The daemon's log of the last run, for a failing test's reader.
        try? FileManager.default.removeItem(atPath: "/tmp/promshard-push-test-last.log")
        try? FileManager.default.copyItem(
            atPath: dir.file("promshard.log"), toPath: "/tmp/promshard-push-test-last.log")
        dir.remove()
    }

    static func with(_ body: (PushRouterFixture) async throws -> Void) async throws {
        let fixture = try PushRouterFixture()
        do {
            try await fixture.start()
            try await body(fixture)
            fixture.tearDown()
        } catch {
            print(fixture.daemon?.log.suffix(4000) ?? "")
            fixture.tearDown()
            throw error
        }
    }

    /// The gateway (`address:port`) the router says owns `path`.
    func owner(_ path: String) -> String? {
        let r = curl(["\(router)\(path)"])
        guard r.status == 200, let data = r.body.data(using: .utf8),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return nil }
        return json["gateway"]
    }

    /// Where each group is (by job name) on all three gateways.
    func placement() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for g in gateways {
            for labels in try g.groups() { out[labels["job"] ?? "", default: []].append(g.address) }
        }
        return out
    }
}

/// curl with an argv array: the HTTP status and the body.
func curl(_ arguments: [String]) -> (status: Int, body: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    p.arguments = ["-s", "-m", "10", "-o", "-", "-w", "\n%{http_code}"] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return (0, "") }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    var text = String(decoding: data, as: UTF8.self)
    guard let nl = text.lastIndex(of: "\n") else { return (0, text) }
    let status = Int(text[text.index(after: nl)...]) ?? 0
    text = String(text[..<nl])
    return (status, text)
}
