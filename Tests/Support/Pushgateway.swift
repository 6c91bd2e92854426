import Foundation

/// A real Pushgateway (Debian package `prometheus-pushgateway`) on a
/// loopback port, without persistence: a restart comes back empty.
public final class Pushgateway: @unchecked Sendable {
    public let port: Int
    private let dir: String
    private var process: TestProcess?

    public static let binary = "/usr/bin/prometheus-pushgateway"

    public init(dir: String, port: Int = freePort()) throws {
        self.port = port
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// `127.0.0.1:<port>`
    public var address: String { "127.0.0.1:\(port)" }

    /// Starts (or restarts) it and waits until `/-/ready` answers.
    public func start() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestSupportError("\(Self.binary) missing: apt-get install -y prometheus-pushgateway")
        }
        process = try TestProcess(
            Self.binary,
            ["--persistence.file=", "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"],
            log: "\(dir)/pushgateway-\(port).log")
        let ready = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            (try? HTTPGet.get(port: port, path: "/-/ready"))?.0 == 200
        }
        guard ready else { throw TestSupportError("pushgateway on \(port) not ready: \(process?.log ?? "")") }
    }

    public func kill9() { process?.kill9() }

    /// The grouping labels of every group it holds (`GET /api/v1/metrics`).
    public func groups() throws -> [[String: String]] {
        let (status, body) = try HTTPGet.get(port: port, path: "/api/v1/metrics")
        guard status == 200, let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let data = json["data"] as? [[String: Any]]
        else { throw TestSupportError("cannot list groups of pushgateway \(port)") }
        return data.compactMap { $0["labels"] as? [String: String] }
    }
}
