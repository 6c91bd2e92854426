import ConsulSimulator
import Foundation
import PromshardTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Several `promshard run` instances sharing one simulated Consul, one set
/// of fake collectors (registered in Consul as service `prom`) and one
/// target file. Each instance delivers with a recording executor (plain sh)
/// that appends `<instance> <start_ns> <end_ns>` to a shared file, so a
/// test can check that deliveries of different instances never overlap.
final class ConsulFleet: @unchecked Sendable {
    let sim: ConsulSimulator
    let shared: TempDir
    let collectors: [TinyHTTPServer]
    var instances: [String: TestProcess] = [:]
    var dirs: [String: TempDir] = [:]
    let token: String

    init(sim: ConsulSimulator, collectors count: Int = 3, token: String = "") async throws {
        self.sim = sim
        self.token = token
        shared = try TempDir("promshard-consul")
        collectors = try (0..<count).map { _ in try TinyHTTPServer() }
        for (i, c) in collectors.enumerated() {
            await sim.setService(
                id: "prom-\(i)", name: "prom", address: "127.0.0.1", port: c.port, node: "node\(i)")
        }
        try writeTargets(count: 30, generation: 0)
    }

    /// The shared target file (a different list per generation, so each
    /// rewrite makes a new assignment and deliveries).
    func writeTargets(count: Int, generation: Int) throws {
        let list = (0..<count).map { "\"10.\(generation % 200).\($0 / 250).\($0 % 250 + 1):9100\"" }
        try shared.write("targets/main.json", "[{\"targets\": [\(list.joined(separator: ", "))]}]\n")
    }

    /// Executor that records its run interval (and still answers like a plugin).
    static func recorder(instance: String, log: String) -> String {
        """
        #!/bin/sh
        if [ "$1" = describe ]; then echo '{"name":"recorder","version":"1","protocol":1}'; exit 0; fi
        cat > /dev/null
        start=$(date +%s%N)
        trap 'echo "\(instance) $start $(date +%s%N) term" >> "\(log)"; exit 1' TERM
        sleep 0.2
        echo "\(instance) $start $(date +%s%N)" >> "\(log)"
        echo '{"status":"ok","message":"recorded","changed":true}'
        exit 0

        """
    }

    var intervalLog: String { shared.file("intervals.log") }

    func config(
        instance: String, dir: TempDir, executor: String, election: Bool = true,
        dest: String = "out/{port}.json"
    ) -> String {
        let tokenLine = token.isEmpty ? "" : ", token: \"\(token)\""
        return """
            state_dir: ./var
            http: { listen: 127.0.0.1:\(freePort()) }
            supervisor: { stop_grace: 6s, backoff_initial: 200ms, backoff_max: 1s }
            services:
              - name: node
                collectors:
                  consul_service: prom
                  health_check: { path: /-/healthy, interval: 300ms, timeout: 1s, fall: 2, rise: 2 }
                targets:
                  files: [\(shared.file("targets"))/*.json]
                  refresh_interval: 300ms
                dispatch:
                  executor: \(executor)
                  dest: \(dest)
                  timeout: 5s
            consul: { address: "http://127.0.0.1:\(sim.port)", leader_election: \(election), cluster: t, session_ttl: 10s, lock_delay: 2s, instance: \(instance), wait: 30s\(tokenLine) }

            """
    }

    /// Starts (or restarts) instance `name` with the recording executor (or the `file` executor
    /// writing to `dest`, relative to the instance's directory unless absolute).
    func start(
        _ name: String, fileExecutor: Bool = false, election: Bool = true, dest: String = "out/{port}.json"
    ) throws {
        let dir = try dirs[name] ?? TempDir("promshard-\(name)")
        dirs[name] = dir
        var exec = dir.file("exec.sh")
        try dir.write("exec.sh", Self.recorder(instance: name, log: intervalLog))
        chmod(exec, 0o755)
        if fileExecutor { exec = "file" }
        try dir.write(
            "promshard.yaml", config(instance: name, dir: dir, executor: exec, election: election, dest: dest)
        )
        instances[name] = try TestProcess(
            try Binaries.path("promshard"),
            ["run", "--config", dir.file("promshard.yaml"), "--log-level", "debug"],
            log: dir.file("promshard-\(instances.count).log"))
    }

    /// Every recorded interval: (instance, start ns, end ns).
    func intervals() -> [(String, Int64, Int64)] {
        let text = (try? String(contentsOfFile: intervalLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 3, let s = Int64(f[1]), let e = Int64(f[2]) else { return nil }
            return (String(f[0]), s, e)
        }
    }

    /// Targets per collector port, from the files the `file` executor wrote for `name`.
    func delivered(_ name: String) -> [Int: Set<String>] {
        var result: [Int: Set<String>] = [:]
        guard let dir = dirs[name] else { return result }
        for c in collectors {
            if let targets = fileSDTargets(at: dir.file("out/\(c.port).json")) { result[c.port] = targets }
        }
        return result
    }

    /// Ports of the collectors that hold a non-empty share for `name`.
    func holders(_ name: String) -> Set<Int> {
        Set(delivered(name).filter { !$0.value.isEmpty }.keys)
    }

    /// Whether `name`'s files are settled on exactly `ports`: those hold a
    /// share, and every target (of the 30 written) is in exactly one file.
    /// `holders` alone may be right while a move is still half delivered.
    func settled(_ name: String, on ports: Set<Int>) -> Bool {
        let files = delivered(name)
        let all = files.values.flatMap { $0 }
        return holders(name) == ports && all.count == 30 && Set(all).count == 30
    }

    /// Pairs of intervals of different instances that overlap.
    func overlaps() -> [String] {
        let all = intervals().sorted { $0.1 < $1.1 }
        var out: [String] = []
        for i in all.indices {
            for j in (i + 1)..<all.count where all[j].1 < all[i].2 && all[j].0 != all[i].0 {
                out.append("\(all[i]) overlaps \(all[j])")
            }
        }
        return out
    }

    /// Instances that recorded a delivery that started after `ns`.
    func dispatchersSince(_ ns: Int64) -> Set<String> {
        Set(intervals().filter { $0.1 > ns }.map(\.0))
    }

    func logs() -> String {
        dirs.sorted { $0.key < $1.key }.map { name, dir in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return files.filter { $0.hasSuffix(".log") }.sorted().map {
                "== \(name)/\($0)\n" + (dir.read($0)?.suffix(6000) ?? "")
            }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func tearDown() async {
        for p in instances.values { p.kill9() }
        // Children exit on EOF; give them a moment, then make sure.
        for (_, dir) in dirs {
            for e in ProcessTable.all() where e.arguments.contains(dir.file("promshard.yaml")) {
                kill(e.pid, SIGKILL)
            }
        }
        collectors.forEach { $0.stop() }
        for d in dirs.values { d.remove() }
        shared.remove()
    }
}

/// Wall clock in nanoseconds (the executor's `date +%s%N`).
func nowNs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}
