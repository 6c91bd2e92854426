/// The reload POST the executors send to a collector (`reload_url`, e.g.
/// Prometheus's `/-/reload`), with a message fit for a delivery result.
public enum ReloadPost {
    /// POSTs `url` with an empty body within `timeout`; whether it answered
    /// 2xx, and a one-line message (HTTP status and the start of the body,
    /// or curl's reason).
    public static func send(_ url: String, timeout: Duration) -> (ok: Bool, message: String) {
        guard timeout >= .milliseconds(10) else {
            return (false, "reload \(url): no time left before the deadline")
        }
        do {
            let response = try HTTPClient.request(
                method: "POST", url: url, timeout: timeout, maxBodyBytes: 4096)
            if response.isSuccess { return (true, "reload \(url): HTTP \(response.status)") }
            let body = response.bodyText.split(whereSeparator: \.isNewline).joined(separator: " ")
            let snippet = body.count > 200 ? String(body.prefix(200)) + "…" : body
            return (false, "reload \(url): HTTP \(response.status)" + (snippet.isEmpty ? "" : ": \(snippet)"))
        } catch {
            return (false, "reload \(url) failed: \(error.message)")
        }
    }
}
