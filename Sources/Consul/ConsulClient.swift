import PromshardConfig
import PromshardCurl
import PromshardRuntime

/// A minimal client of Consul's HTTP API over libcurl.
///
/// Every call blocks a thread of its own (``runBlocking``), never the
/// concurrency pool. The ACL token goes only into the `X-Consul-Token`
/// header; it is never part of a URL, a log line or an error.
public struct ConsulClient: Sendable {
    /// `consul.address` without a trailing slash.
    public let address: String
    private let token: String
    private let caFile: String?

    public init(address: String, token: String = "", caFile: String? = nil) {
        var a = address
        while a.hasSuffix("/") { a.removeLast() }
        self.address = a
        self.token = token
        self.caFile = caFile
    }

    public init(_ settings: ConsulSettings) {
        self.init(address: settings.address, token: settings.token, caFile: settings.caFile)
    }

    /// Performs one request. 2xx and 404 answers are returned; 403 and other
    /// statuses throw. Cancelling the calling task aborts the transfer
    /// (within about a second) and throws ``ConsulError/cancelled(request:)``. `path` starts with `/v1/`; query values are escaped.
    public func request(
        _ method: String, _ path: String, query: [(String, String?)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(10)
    ) async throws(ConsulError) -> ConsulResponse {
        let url = address + path + Self.queryString(query)
        let label = "\(method) \(path)"
        var headers: [String: String] = [:]
        if !token.isEmpty { headers["X-Consul-Token"] = token }
        if body != nil { headers["Content-Type"] = "application/json" }
        let caFile = self.caFile
        let sentHeaders = headers
        // Cancelling the calling task ends the transfer (a blocking query may wait minutes).
        let cancel = CancellationFlag()
        let result: Result<HTTPResponse, HTTPClientError> = await withTaskCancellationHandler {
            await runBlocking {
                do throws(HTTPClientError) {
                    return .success(
                        try HTTPClient.request(
                            method: method, url: url, timeout: timeout, headers: sentHeaders, body: body,
                            maxBodyBytes: 64 << 20, caFile: caFile, responseHeaders: ["X-Consul-Index"],
                            cancel: cancel))
                } catch {
                    return .failure(error)
                }
            }
        } onCancel: {
            cancel.cancel()
        }
        let response: HTTPResponse
        switch result {
        case .success(let r): response = r
        case .failure(let e) where e.isCancelled: throw .cancelled(request: label)
        case .failure(let e): throw .unreachable(request: label, reason: e.message)
        }
        if Task.isCancelled { throw .cancelled(request: label) }
        let message = String(response.bodyText.prefix(300)).trimmingWhitespace
        switch response.status {
        case 200..<300, 404:
            let index = response.headers["X-Consul-Index"].flatMap { UInt64($0.trimmingWhitespace) }
            return ConsulResponse(status: response.status, body: response.body, index: index)
        case 401, 403:
            throw .forbidden(request: label, message: message)
        default:
            throw .status(request: label, code: response.status, message: message)
        }
    }

    /// `?a=b&c` with percent-escaping; a nil value writes the bare flag.
    static func queryString(_ query: [(String, String?)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?"
            + query.map { name, value in
                value.map { "\(name)=\(escape($0))" } ?? name
            }.joined(separator: "&")
    }

    /// Percent-escapes everything but unreserved characters.
    static func escape(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    /// Escapes a KV key or service name for use in a path (keeps `/`).
    static func escapePath(_ s: String) -> String {
        s.split(separator: "/", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(
            separator: "/")
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
