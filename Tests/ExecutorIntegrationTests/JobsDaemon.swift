import Foundation
import PromshardTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `promshard run` with `services: []` and `jobs:` whose executor is
/// a gated shell runner (protocol v1, request kind `job`): of every unit it
/// reports the first host at once and the others only once the test opens
/// the gate (a file), so a job is visibly running for as long as the test
/// needs, without any timing.
struct JobsDaemon {
    let dir: TempDir
    let httpPort: Int
    let daemon: TestProcess
    var config: String { dir.file("promshard.yaml") }
    var gate: String { dir.file("gate") }

    /// The runner: `describe`, or `run` reading the request on stdin.
    static func runner(gate: String) -> String {
        """
        #!/bin/sh
        set -u
        case "${1:-}" in
        describe) echo '{"name":"gated-runner","version":"1","protocol":1}'; exit 0 ;;
        run) ;;
        *) exit 2 ;;
        esac
        request=$(cat)
        hosts=$(printf '%s' "$request" | sed -n 's/.*"hosts":\\[\\([^]]*\\)\\].*/\\1/p' | tr ',' '\\n' | tr -d '"')
        first=1
        for host in $hosts; do
            if [ "$first" -eq 0 ]; then
                while [ ! -e '\(gate)' ]; do sleep 0.05; done
            fi
            first=0
            printf '{"host":"%s","status":"ok","rc":0,"stdout":"ran on %s"}\\n' "$host" "$host"
        done
        echo '{"status":"ok","message":"all hosts ran"}'
        """
    }

    /// Starts the daemon with `workers` and `unit_size` in a fresh directory.
    init(workers: Int = 2, unitSize: Int = 2) throws {
        dir = try TempDir("promshard-jobsview")
        httpPort = freePort()
        try dir.write("gated-runner.sh", Self.runner(gate: dir.file("gate")))
        chmod(dir.file("gated-runner.sh"), 0o755)
        try dir.write(
            "promshard.yaml",
            """
            state_dir: \(dir.file("var"))
            http: { listen: 127.0.0.1:\(httpPort) }
            services: []
            jobs:
              workers: \(workers)
              unit_size: \(unitSize)
              timeout: 120s
              executor: \(dir.file("gated-runner.sh"))
            """)
        daemon = try TestProcess(
            try Binaries.path("promshard"), ["run", "--config", dir.file("promshard.yaml")],
            log: dir.file("daemon.log"))
    }

    /// Lets every waiting host of every unit finish.
    func openGate() throws { try dir.write("gate", "") }

    /// Stops the daemon (SIGTERM, SIGKILL after 15 s) and removes the directory.
    func stop() {
        daemon.signal(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(15)
        while daemon.isRunning && ContinuousClock.now < deadline { usleep(50_000) }
        daemon.kill9()
        dir.remove()
    }

    /// GET on the daemon's HTTP server: (status, body), nil while it does not answer.
    func get(_ path: String) -> (status: Int, body: String)? {
        guard let (status, body) = try? HTTPGet.get(port: httpPort, path: path) else { return nil }
        return (status, String(decoding: body, as: UTF8.self))
    }

    /// POST with curl: (status, body); a `body` of `@path` sends that file.
    func post(_ path: String, _ body: String) throws -> (status: Int, body: String) {
        let out = try Tools.run(
            Tools.curl,
            [
                "-s", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, "-w",
                "\n%{http_code}", "http://127.0.0.1:\(httpPort)\(path)",
            ])
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The JSON object of a body.
    static func object(_ body: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    /// Waits until the HTTP server answers `/-/healthy` (any status).
    func waitForHTTP() async -> Bool {
        await eventually(timeout: .seconds(60), every: .milliseconds(100)) { get("/-/healthy") != nil }
    }

    /// The daemon's log, for failure messages.
    var log: String { daemon.log }
}
