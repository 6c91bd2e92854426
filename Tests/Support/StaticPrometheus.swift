import Foundation

/// A real Prometheus server scraping one static target every second (for
/// checking that an exposition parses: the target's health turns `up`).
public final class StaticPrometheus: @unchecked Sendable {
    public let port: Int
    private let dir: String
    private var process: TestProcess?

    /// `target`: `host:port` scraped at `/metrics` as job `job`.
    public init(dir: String, job: String, target: String) throws {
        self.port = freePort()
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1m }
            scrape_configs:
              - job_name: \(job)
                static_configs:
                  - targets: ['\(target)']

            """
        try config.write(toFile: "\(dir)/prometheus.yml", atomically: true, encoding: .utf8)
    }

    /// Starts the server and waits until it is ready.
    public func start() async throws {
        process = try TestProcess(
            try PrometheusServer.binary(),
            [
                "--config.file=\(dir)/prometheus.yml", "--web.listen-address=127.0.0.1:\(port)",
                "--storage.tsdb.path=\(dir)/data", "--log.level=warn",
            ], log: "\(dir)/prometheus.log")
        let ready = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            (try? HTTPGet.get(port: port, path: "/-/ready"))?.0 == 200
        }
        guard ready else { throw TestSupportError("prometheus on \(port) not ready:\n\(process?.log ?? "")") }
    }

    /// SIGKILLs the server.
    public func kill9() { process?.kill9() }

    /// The active targets (`health`, `lastError`, `scrapeUrl`, …).
    public func targets() throws -> [[String: Any]] {
        let (status, body) = try HTTPGet.get(port: port, path: "/api/v1/targets?state=active")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = json["data"] as? [String: Any], let active = data["activeTargets"] as? [[String: Any]]
        else { throw TestSupportError("cannot read targets of prometheus on \(port)") }
        return active
    }

    /// The result vector of an instant query (metric names only, no escaping needed).
    public func query(_ expression: String) throws -> [[String: Any]] {
        let (status, body) = try HTTPGet.get(port: port, path: "/api/v1/query?query=\(expression)")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw TestSupportError("query \(expression) failed on prometheus \(port)") }
        return result
    }
}
