import Foundation
import PromshardTestSupport

/// Python with `prometheus_client`: the system one if it has it, else a venv
/// under /tmp where the test installs it from PyPI once.
enum PythonClient {
    static let venv = "/tmp/promshard-test-pyclient"

    static func interpreter() throws -> String {
        if run("/usr/bin/python3", ["-c", "import prometheus_client"]) { return "/usr/bin/python3" }
        let python = "\(venv)/bin/python"
        if run(python, ["-c", "import prometheus_client"]) { return python }
        guard run("/usr/bin/python3", ["-m", "venv", venv]),
            run("\(venv)/bin/pip", ["install", "-q", "prometheus_client"])
        else { throw TestSupportError("cannot install prometheus_client (python3-venv and PyPI needed)") }
        return python
    }

    static func run(_ executable: String, _ arguments: [String]) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}

/// A real Prometheus scraping several Pushgateways every second with `honor_labels: true`.
final class ScrapingPrometheus: @unchecked Sendable {
    let port = freePort()
    let dir: String
    private var process: TestProcess?

    init(dir: String, targets: [String]) throws {
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1m }
            scrape_configs:
              - job_name: pushgateway
                honor_labels: true
                static_configs:
                  - targets: [\(targets.map { "'\($0)'" }.joined(separator: ", "))]

            """
        try config.write(toFile: "\(dir)/prometheus.yml", atomically: true, encoding: .utf8)
    }

    func start() async throws {
        process = try TestProcess(
            try PrometheusServer.binary(),
            [
                "--config.file=\(dir)/prometheus.yml", "--web.listen-address=127.0.0.1:\(port)",
                "--storage.tsdb.path=\(dir)/data", "--log.level=warn",
            ], log: "\(dir)/prometheus.log")
        let port = self.port
        let ready = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            (try? HTTPGet.get(port: port, path: "/-/ready"))?.0 == 200
        }
        guard ready else { throw TestSupportError("prometheus not ready: \(process?.log ?? "")") }
    }

    func stop() { process?.kill9() }

    func query(_ expression: String) throws -> [[String: Any]] {
        let (status, body) = try HTTPGet.get(port: port, path: "/api/v1/query?query=\(expression)")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw TestSupportError("query \(expression) failed") }
        return result
    }
}
