import Foundation
import PromshardTestSupport
import Testing

/// promshard sharding three real Prometheus servers: every target active on
/// exactly one; a killed server's targets move to the survivors; a returning
/// server gets a share back with limited movement.
@Suite(.serialized)
struct PrometheusShardingTests {
    static let job = "node"
    static let interval = 1.0
    static let fall = 2.0

    @Test func threePrometheusServersShareSixtyTargetsAndSurviveADeath() async throws {
        let dir = try TempDir("promshard-e2e")
        var servers: [PrometheusServer] = []
        var daemon: TestProcess?
        defer {
            daemon?.kill9()
            servers.forEach { $0.kill9() }
            dir.remove()
        }
        for i in 0..<3 {
            servers.append(
                try PrometheusServer(dir: dir.file("prom\(i)"), sdDirectory: dir.file("sd"), job: Self.job))
        }
        // Sixty targets on closed loopback ports: Prometheus lists them as active (and down).
        let targets = (0..<60).map { "127.0.0.1:\(41000 + $0)" }
        let quoted = targets.map { "\"\($0)\"" }.joined(separator: ", ")
        try dir.write("targets/all.json", "[{\"targets\": [\(quoted)], \"labels\": {\"team\": \"e2e\"}}]\n")
        for s in servers { try await s.start() }

        let statics = servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ", ")
        try dir.write(
            "promshard.yaml",
            """
            state_dir: ./var
            services:
              - name: node
                collectors:
                  static: [\(statics)]
                  health_check: { path: /-/healthy, interval: 1s, timeout: 1s, fall: 2, rise: 2 }
                targets:
                  files: [targets/*.json]
                dispatch:
                  executor: file
                  dest: sd/{port}.json
                  reload_url: http://{address}:{port}/-/reload
                  timeout: 10s

            """)
        daemon = try TestProcess(
            try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
            log: dir.file("promshard.log"))

        // 1. Every target is active on exactly one server, and each server has some.
        var before: [String: [Int]] = [:]
        let initial = await eventually(timeout: .seconds(40), every: .milliseconds(250)) {
            before = placement(servers, job: Self.job)
            return exactlyOnce(before, targets: targets)
                && servers.allSatisfy { s in before.values.contains { $0 == [s.port] } }
        }
        #expect(initial, "initial sharding failed; promshard log:\n\(daemon?.log ?? "")")

        // 2. Kill one: within interval × fall + 5 s the survivors hold every target once.
        let victim = servers[0]
        victim.kill9()
        let killedAt = ContinuousClock.now
        let survivors = Array(servers.dropFirst())
        let budget = Duration.seconds(Self.interval * Self.fall + 5)
        // +1 s of measurement slack: Prometheus applies discovery updates on its own 5 s ticker.
        var degraded: [String: [Int]] = [:]
        let tookOver = await eventually(timeout: budget + .seconds(1), every: .milliseconds(100)) {
            degraded = placement(survivors, job: Self.job)
            return exactlyOnce(degraded, targets: targets)
        }
        let tookOverIn = ContinuousClock.now - killedAt
        print("e2e: survivors held every target \(tookOverIn) after the kill (budget \(budget))")
        #expect(tookOver, "survivors did not take over within \(budget); log:\n\(daemon?.log ?? "")")
        // Minimal movement: only the victim's targets moved.
        for (target, owner) in before where owner != [victim.port] {
            #expect(degraded[target] == owner, "\(target) moved although its collector survived")
        }

        // 3. Bring it back: it gets targets again, and fewer than half of all targets move.
        try await victim.start()
        var after: [String: [Int]] = [:]
        let back = await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            after = placement(servers, job: Self.job)
            return exactlyOnce(after, targets: targets) && after.values.contains { $0 == [victim.port] }
        }
        #expect(back, "the returning server got no targets; log:\n\(daemon?.log ?? "")")
        let moved = targets.filter { after[$0] != degraded[$0] }.count
        print("e2e: \(moved) of \(targets.count) targets moved when the server came back")
        #expect(moved < targets.count / 2)
        #expect(moved > 0)
    }
}
