import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A promshard daemon under test with fake collectors (``TinyHTTPServer``s)
/// and the real `file` executor writing one file_sd file per collector.
public final class Fleet: @unchecked Sendable {
    public let dir: TempDir
    public let collectors: [TinyHTTPServer]
    public private(set) var daemon: TestProcess?
    public let targets: [String]

    /// Creates the directory, the collectors and the config (not started).
    public init(collectors count: Int = 3, targets targetCount: Int = 30, supervisor: String = "") throws {
        dir = try TempDir()
        collectors = try (0..<count).map { _ in try TinyHTTPServer() }
        targets = (1...targetCount).map { "10.0.\($0 / 250).\($0 % 250 + 1):9100" }
        try writeTargets(targets)
        try dir.write("promshard.yaml", config(supervisor: supervisor))
    }

    /// The config text (the tests may write broken variants of it).
    public func config(supervisor: String = "", extraTargets: [String] = []) -> String {
        let statics = collectors.map { "127.0.0.1:\($0.port)" }.joined(separator: ", ")
        let extra = extraTargets.isEmpty ? "" : "      static: [\(extraTargets.joined(separator: ", "))]\n"
        return """
            state_dir: ./var
            supervisor: { stop_grace: 3s, backoff_initial: 200ms, backoff_max: 1s\(supervisor) }
            services:
              - name: node
                collectors:
                  static: [\(statics)]
                  health_check: { path: /-/healthy, interval: 300ms, timeout: 1s, fall: 2, rise: 2 }
                targets:
            \(extra)      files: [targets/*.json]
                  refresh_interval: 300ms
                dispatch:
                  executor: file
                  dest: out/{port}.json
                  reload_url: http://{address}:{port}/-/reload
                  timeout: 5s

            """
    }

    /// Writes the file_sd target file.
    public func writeTargets(_ list: [String]) throws {
        let quoted = list.map { "\"\($0)\"" }.joined(separator: ", ")
        try dir.write("targets/main.json", "[{\"targets\": [\(quoted)], \"labels\": {\"env\": \"test\"}}]\n")
    }

    /// Starts `promshard run` (with `environment` added to the test's own).
    public func start(environment: [String: String] = [:]) throws {
        daemon = try TestProcess(
            try Binaries.path("promshard"),
            ["run", "--config", dir.file("promshard.yaml"), "--log-level", "debug"],
            log: dir.file("promshard.log"), environment: environment)
    }

    /// Runs `body` with a fresh fleet and tears it down afterwards, also
    /// when `body` throws: no daemon, child or directory outlives a test.
    public static func with<T>(
        collectors: Int = 3, targets: Int = 30, supervisor: String = "", _ body: (Fleet) async throws -> T
    ) async throws -> T {
        let fleet = try Fleet(collectors: collectors, targets: targets, supervisor: supervisor)
        do {
            let result = try await body(fleet)
            fleet.tearDown()
            return result
        } catch {
            fleet.tearDown()
            throw error
        }
    }

    /// Targets per collector port, from the files the file executor wrote.
    public func delivered() -> [Int: Set<String>] {
        var result: [Int: Set<String>] = [:]
        for c in collectors {
            if let targets = fileSDTargets(at: dir.file("out/\(c.port).json")) { result[c.port] = targets }
        }
        return result
    }

    /// Whether the collectors at `ports` together hold every target exactly once
    /// and the others hold none.
    public func covered(by ports: [Int], targets expected: [String]? = nil) -> Bool {
        let files = delivered()
        var seen: [String: Int] = [:]
        for port in ports { for t in files[port] ?? [] { seen[t, default: 0] += 1 } }
        let others = collectors.map(\.port).filter { !ports.contains($0) }
        let othersEmpty = others.allSatisfy { (files[$0] ?? []).isEmpty }
        return othersEmpty && Set(seen.keys) == Set(expected ?? targets) && seen.values.allSatisfy { $0 == 1 }
    }

    /// Stops everything and removes the directory.
    public func tearDown() {
        daemon?.kill9()
        for pid in ProcessTable.all().filter({
            $0.arguments.first?.hasSuffix("/promshard") == true
                && $0.arguments.contains(dir.file("promshard.yaml"))
        }).map(\.pid) {
            kill(pid, SIGKILL)
        }
        collectors.forEach { $0.stop() }
        dir.remove()
    }
}

/// The targets listed in a file_sd JSON file, nil when it is missing or not file_sd JSON.
public func fileSDTargets(at path: String) -> Set<String>? {
    guard let data = FileManager.default.contents(atPath: path),
        let groups = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return nil }
    return Set(groups.flatMap { ($0["targets"] as? [String]) ?? [] })
}
