import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real Prometheus server (Debian package `prometheus`) on a loopback
/// port, scraping one job from a file_sd file or over http_sd, with
/// `--web.enable-lifecycle`.
public final class PrometheusServer: @unchecked Sendable {
    public let port: Int
    /// The file_sd file (empty for an http_sd server).
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
    public convenience init(dir: String, sdDirectory: String, job: String) throws {
        let port = freePort()
        let sdFile = "\(sdDirectory)/\(port).json"
        try self.init(
            dir: dir, port: port, sdFile: sdFile, job: job,
            discovery: """
                    file_sd_configs:
                      - files: ['\(sdFile)']
                        refresh_interval: 1m
                """)
    }

    /// Prepares a server whose job `job` reads its targets over http_sd from
    /// `url(port)` (the server's own port in, the URL out), polled every `refresh`.
    public convenience init(dir: String, job: String, refresh: String = "2s", httpSD url: (Int) -> String)
        throws
    {
        let port = freePort()
        try self.init(
            dir: dir, port: port, sdFile: "", job: job,
            discovery: """
                    http_sd_configs:
                      - url: '\(url(port))'
                        refresh_interval: \(refresh)
                """)
    }

    private init(dir: String, port: Int, sdFile: String, job: String, discovery: String) throws {
        self.port = port
        self.dir = dir
        self.sdFile = sdFile
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = """
            global: { scrape_interval: 1m, evaluation_interval: 1m }
            scrape_configs:
              - job_name: \(job)
            \(discovery)

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
        let r = try request(port: port, path: path)
        return (r.status, r.body)
    }

    /// A GET with extra request headers; the response's status, headers (names lowercased) and body.
    public static func request(port: Int, path: String, headers: [String: String] = [:]) throws -> (
        status: Int, headers: [String: String], body: [UInt8]
    ) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withLoopbackAddress(port: port) { connect(fd, $0, $1) }
        guard rc == 0 else { throw TestSupportError("connect 127.0.0.1:\(port) failed") }
        // Connection: close: Hummingbird keeps even HTTP/1.0 connections open without it.
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(extra)\r\n"
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
        var fields: [String: String] = [:]
        let head = String(decoding: response[..<max(0, bodyStart - 4)], as: UTF8.self)
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return (status, fields, Array(response[bodyStart...]))
    }
}
