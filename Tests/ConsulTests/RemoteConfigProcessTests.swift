import ConsulSimulator
import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `consul.config_key` with the real daemon: the services come from the
/// simulated Consul's KV, an invalid value is refused and said on /metrics,
/// a fixed one is applied.
@Suite(.serialized) struct RemoteConfigProcessTests {
    static let key = "promshard/config"

    func metrics(_ port: Int) -> String {
        guard let (_, body) = try? HTTPGet.get(port: port, path: "/metrics") else { return "" }
        return String(decoding: body, as: UTF8.self)
    }

    /// The value of an unlabelled metric line, as text.
    func value(_ name: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map {
            String($0.dropFirst(name.count + 1))
        }
    }

    @Test func servicesFromConsulKVAreDeliveredAndAnInvalidValueKeepsTheRunningConfig() async throws {
        try await withSimulator { sim in
            try await Fleet.with(collectors: 2, targets: 20) { fleet in
                let http = freePort()
                let httpLine = "http: { listen: 127.0.0.1:\(http) }\n"
                let localFile = """
                    state_dir: ./var
                    supervisor: { stop_grace: 3s, backoff_initial: 200ms, backoff_max: 1s }
                    consul: { address: "http://127.0.0.1:\(sim.port)", wait: 30s, config_key: \(Self.key) }
                    services: []
                    \(httpLine)
                    """
                try fleet.dir.write("promshard.yaml", localFile)
                try fleet.start()
                let log = { fleet.daemon?.log ?? "" }
                let up = await eventually(timeout: .seconds(20)) {
                    log().contains("config key not found in consul, keeping the running config")
                        && value("promshard_config_last_reload_successful", in: metrics(http)) == "1"
                }
                try #require(up, "log:\n\(log())\nmetrics:\n\(metrics(http))")
                #expect(fleet.delivered().isEmpty, "nothing to deliver before the key exists")

                // A valid value: its service's targets are delivered by the file executor.
                await sim.putKey(Self.key, fleet.config() + httpLine)
                let ports = fleet.collectors.map(\.port)
                let delivered = await eventually(timeout: .seconds(30)) { fleet.covered(by: ports) }
                try #require(delivered, "log:\n\(log())")
                #expect(log().contains("config reloaded") && log().contains("consul:\(Self.key)"))

                // An invalid value: refused with its key, line and key path; metric 0; the running
                // config goes on delivering (a target file change still reaches the collectors).
                let invalid = (fleet.config() + httpLine).replacingOccurrences(
                    of: "timeout: 5s", with: "timeout: soon")
                await sim.putKey(Self.key, invalid)
                let refused = await eventually(timeout: .seconds(20)) {
                    value("promshard_config_last_reload_successful", in: metrics(http)) == "0"
                }
                #expect(refused, "metrics:\n\(metrics(http))")
                let line = invalid.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                    $0.contains("timeout: soon")
                }.map { $0 + 1 }
                #expect(log().contains("invalid config, keeping the running one"))
                #expect(
                    log().contains("consul:\(Self.key):\(line ?? 0): services[0].dispatch.timeout"),
                    "log:\n\(log())")
                let more = fleet.targets + ["10.9.9.9:9100"]
                try fleet.writeTargets(more)
                #expect(
                    await eventually(timeout: .seconds(20)) { fleet.covered(by: ports, targets: more) },
                    "deliveries stopped after an invalid value: \(fleet.delivered())")

                // The key deleted: the running config is kept, said once in the log.
                await sim.deleteKey(Self.key)
                try await Task.sleep(for: .seconds(1))
                #expect(fleet.covered(by: ports, targets: more))

                // Fixed: metric 1 again and the change applied (a static target added).
                let extra = "10.8.8.8:9100"
                await sim.putKey(Self.key, fleet.config(extraTargets: [extra]) + httpLine)
                let applied = await eventually(timeout: .seconds(30)) {
                    value("promshard_config_last_reload_successful", in: metrics(http)) == "1"
                        && fleet.covered(by: ports, targets: more + [extra])
                }
                #expect(
                    applied, "metrics:\n\(metrics(http))\ndelivered: \(fleet.delivered())\nlog:\n\(log())")
                let stamp = value("promshard_config_last_reload_success_timestamp_seconds", in: metrics(http))
                let seconds = stamp.flatMap(Double.init) ?? 0
                #expect(abs(seconds - Date().timeIntervalSince1970) < 120, "timestamp \(stamp ?? "none")")

                // A bad local file on SIGHUP sets the same metric; fixed, the new file is merged
                // with the key's last valid value (the services stay).
                try fleet.dir.write("promshard.yaml", localFile + "bogus_key: 1\n")
                fleet.daemon?.signal(SIGHUP)
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        value("promshard_config_last_reload_successful", in: metrics(http)) == "0"
                    })
                let bogusLine = localFile.split(separator: "\n", omittingEmptySubsequences: false).count
                #expect(log().contains("promshard.yaml:\(bogusLine): bogus_key"), "log:\n\(log())")
                try fleet.dir.write("promshard.yaml", localFile)
                fleet.daemon?.signal(SIGHUP)
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        value("promshard_config_last_reload_successful", in: metrics(http)) == "1"
                    })
                try await Task.sleep(for: .seconds(1))
                #expect(fleet.covered(by: ports, targets: more + [extra]), "\(fleet.delivered())")
                let notFound = log().components(separatedBy: "config key not found in consul").count - 1
                #expect(notFound == 2, "one line at start, one for the deletion; got \(notFound)")
            }
        }
    }
}
