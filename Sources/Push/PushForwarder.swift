import PromshardCurl
import PromshardProtocol
import PromshardRuntime

/// Sends one push (or delete) to its gateway with libcurl and returns the
/// gateway's answer unchanged.
///
/// Each forward runs on a thread of its own (`runBlocking`) with its own
/// connection and the `push.timeout` deadline, so a slow or hung gateway
/// holds up only the pushes it owns.
struct PushForwarder: Sendable {
    var timeout: Duration
    /// Largest gateway answer passed back (the Pushgateway's are a few bytes).
    static let maxResponseBytes = 1 << 20

    /// What came back.
    enum Outcome: Sendable {
        case answered(status: Int, body: [UInt8], contentType: String?)
        case failed(String)
    }

    /// Forwards `method` on `pathAndQuery` (exactly as the client sent it) to `gateway`.
    func forward(
        method: String, gateway: CollectorState, pathAndQuery: String, contentType: String?,
        contentEncoding: String?, body: [UInt8]?
    ) async -> Outcome {
        let url = "http://\(urlHost(gateway.address)):\(gateway.port)\(pathAndQuery)"
        // An empty value removes a header libcurl would add by itself: no
        // `Expect: 100-continue` round trip, and no form Content-Type.
        var fields = ["Expect": "", "Content-Type": contentType ?? ""]
        if let contentEncoding { fields["Content-Encoding"] = contentEncoding }
        let headers = fields
        let timeout = self.timeout
        return await runBlocking { () -> Outcome in
            do throws(HTTPClientError) {
                let r = try HTTPClient.request(
                    method: method, url: url, timeout: timeout, headers: headers, body: body,
                    maxBodyBytes: Self.maxResponseBytes, responseHeaders: ["Content-Type"])
                return .answered(status: r.status, body: r.body, contentType: r.headers["Content-Type"])
            } catch {
                return .failed(error.isTimeout ? "gateway timed out after \(timeout)" : error.message)
            }
        }
    }
}
