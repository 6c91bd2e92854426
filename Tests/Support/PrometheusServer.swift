import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real Prometheus server (Debian package `prometheus`) on a loopback
/// port, scraping one job from a file_sd file, with `--web.enable-lifecycle`.
public final class PrometheusServer: @unchecked Sendable {
    public let port: Int
    public let sdFile: String
    private let dir: String
    private var process: TestProcess?

    /// The prometheus binary, installed with apt-get when missing (as the
    /// README's test command does).
    public static func binary() throws -> String {
        for path in ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/apt-get")
        install.arguments = ["install", "-y", "-q", "--no-install-recommends", "prometheus"]
        install.environment = ["DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        try install.run()
        install.waitUntilExit()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            throw TestSupportError("prometheus is not installed and apt-get could not install it")
        }
        return "/usr/bin/prometheus"
    }

    /// Prepares a server whose job `job` reads `<sdDirectory>/<port>.json`.
    public init(dir: String, sdDirectory: String, job: String) throws {
        self.port = freePort()
        self.dir = dir
        self.sdFile = "\(sdDirectory)/\(port).json"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            global: { scrape_interval: 1m, evaluation_interval: 1m }
            scrape_configs:
              - job_name: \(job)
                file_sd_configs:
                  - files: ['\(sdFile)']
                    refresh_interval: 1m

            """
        try config.write(toFile: "\(dir)/prometheus.yml", atomically: true, encoding: .utf8)
    }

    /// Starts (or restarts) the server and waits until it is ready.
    public func start() async throws {
        process = try TestProcess(
            try Self.binary(),
            [
                "--config.file=\(dir)/prometheus.yml", "--web.listen-address=127.0.0.1:\(port)",
                "--storage.tsdb.path=\(dir)/data", "--web.enable-lifecycle", "--log.level=warn",
            ], log: "\(dir)/prometheus.log")
        let ready = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            (try? get("/-/ready"))?.0 == 200
        }
        guard ready else { throw TestSupportError("prometheus on \(port) not ready:\n\(process?.log ?? "")") }
    }

    /// SIGKILLs the server.
    public func kill9() { process?.kill9() }

    /// The `__address__` of every active target of `job`.
    public func activeTargets(job: String) throws -> [String] {
        guard let (status, body) = try? get("/api/v1/targets?state=active"), status == 200,
            let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = json["data"] as? [String: Any], let active = data["activeTargets"] as? [[String: Any]]
        else { throw TestSupportError("cannot read targets of prometheus on \(port)") }
        return active.compactMap { t in
            guard (t["scrapePool"] as? String) == job, let labels = t["discoveredLabels"] as? [String: String]
            else {
                return nil
            }
            return labels["__address__"]
        }
    }

    /// A blocking GET on the server, over a raw loopback socket.
    func get(_ path: String) throws -> (Int, [UInt8]) {
        try HTTPGet.get(port: port, path: path)
    }
}

/// A blocking HTTP/1.0 GET to 127.0.0.1, for tests (no dependency on the
/// code under test).
public enum HTTPGet {
    public static func get(port: Int, path: String) throws -> (Int, [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withLoopbackAddress(port: port) { connect(fd, $0, $1) }
        guard rc == 0 else { throw TestSupportError("connect 127.0.0.1:\(port) failed") }
        // Connection: close: Hummingbird keeps even HTTP/1.0 connections open without it.
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response.prefix(64), as: UTF8.self)
        let parts = text.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw TestSupportError("bad HTTP response")
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var bodyStart = response.count
        if response.count >= 4 {
            for i in 0...(response.count - 4) where Array(response[i..<i + 4]) == separator {
                bodyStart = i + 4
                break
            }
        }
        return (status, Array(response[bodyStart...]))
    }
}
