import PromshardConfig
import PromshardCurl
import PromshardMetrics
import PromshardProtocol
import PromshardRuntime

/// One HTTP health probe of a collector: GET `health_check.path`, healthy on 2xx.
public enum Probe {
    /// The URL probed for a collector.
    public static func url(address: String, port: Int, path: String) -> String {
        let suffix = path.hasPrefix("/") ? path : "/" + path
        return "http://\(urlHost(address)):\(port)\(suffix)"
    }

    /// Probes once; returns nil when healthy, or why not.
    public static func run(address: String, port: Int, check: HealthCheckSettings) async -> String? {
        let url = url(address: address, port: port, path: check.path)
        let timeout = check.timeout
        let failure = await runBlocking { () -> String? in
            do {
                let response = try HTTPClient.request(
                    method: "GET", url: url, timeout: timeout, maxBodyBytes: 4096)
                return (200..<300).contains(response.status) ? nil : "HTTP \(response.status) from \(url)"
            } catch {
                return "\(url): \(error)"
            }
        }
        Instruments.probe(collector: "\(address):\(port)", ok: failure == nil)
        return failure
    }
}
