import Foundation
import PromshardTestSupport

/// The inputs of the daemon benchmark on disk: one file_sd file with one target per group and two
/// labels, stand-in collectors, and a config that probes every second with `fall: 1, rise: 1`
/// and delivers with the `file` executor.
struct DaemonFleet {
    let dir: String
    let targets: [String]
    /// Stand-in Prometheus servers: answer every request 200; stopped = connection refused.
    let collectors: [TinyHTTPServer]

    init(targets count: Int, collectors m: Int) throws {
        var template = Array("\(NSTemporaryDirectory())/promshard-bench.XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw BenchError("mkdtemp failed") }
        dir = String(cString: p)
        targets = Fleet.targets(count)
        collectors = try (0..<m).map { _ in try TinyHTTPServer() }
        try FileManager.default.createDirectory(atPath: "\(dir)/targets", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(dir)/out", withIntermediateDirectories: true)
        try Self.targetFile(targets).write(to: URL(fileURLWithPath: "\(dir)/targets/targets.json"))
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var configPath: String { "\(dir)/promshard.yaml" }
    var logPath: String { "\(dir)/promshard.log" }

    /// The delivered file of collector `i`.
    func output(_ i: Int) -> String { "\(dir)/out/\(collectors[i].port).json" }
    var outputs: [String] { collectors.indices.map(output) }

    /// `[{"targets":["10.0.0.0:9100"],"labels":{"env":"bench","rack":"r0"}}, ...]`
    static func targetFile(_ targets: [String]) -> Data {
        var out = "[\n"
        out.reserveCapacity(targets.count * 72)
        for (i, t) in targets.enumerated() {
            out += "{\"targets\":[\"\(t)\"],\"labels\":{\"env\":\"bench\",\"rack\":\"r\((i >> 8) & 255)\"}}"
            out += i == targets.count - 1 ? "\n" : ",\n"
        }
        out += "]\n"
        return Data(out.utf8)
    }

    var config: String {
        let statics = collectors.map { "127.0.0.1:\($0.port)" }.joined(separator: ", ")
        return """
            state_dir: \(dir)/var
            http: { listen: 127.0.0.1:\(freePort()) }
            services:
              - name: node
                collectors:
                  static: [\(statics)]
                  health_check: { path: /-/healthy, interval: 1s, timeout: 1s, fall: 1, rise: 1 }
                targets:
                  files: [\(dir)/targets/*.json]
                dispatch:
                  executor: file
                  dest: \(dir)/out/{port}.json
                  reload_url: http://{address}:{port}/-/reload
                  timeout: 60s

            """
    }

    func remove() {
        collectors.forEach { $0.stop() }
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// A failure of the benchmark's own scaffolding.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
