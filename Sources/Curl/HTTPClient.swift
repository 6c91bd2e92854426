import CCurl

/// A small blocking HTTP client over the libcurl easy API.
///
/// Used for health probes and reload POSTs. Each call makes one transfer on a
/// fresh easy handle, so calls from different threads are independent.
public enum HTTPClient {
    /// The version sent in the `User-Agent` header.
    public static let version = "0.1.0"
    /// `User-Agent` of every request.
    public static let userAgent = "promshard/\(version)"
    /// Redirects followed at most; a further redirect is an error (curl code 47).
    public static let maxRedirects = 3

    /// libcurl's global state, initialised once before the first handle
    /// (`curl_global_init` is not thread-safe; a `static let` initialiser runs once).
    private static let globalInit: CURLcode = promshard_curl_global_init_default()

    /// Performs one HTTP request and waits for the whole response.
    ///
    /// Blocking: call it from a background thread, not from the cooperative pool
    /// in a loop. Follows at most ``maxRedirects`` redirects, and only to http/https.
    /// A `POST` without a body sends `Content-Length: 0`.
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST`, `HEAD`, or any other verb (sent as a custom request).
    ///   - url: An `http://` or `https://` URL.
    ///   - timeout: Limit for the whole transfer, connection included.
    ///   - headers: Extra request headers.
    ///   - body: Request body; `nil` sends none (a POST then sends an empty body).
    ///   - maxBodyBytes: Response bytes kept; the rest is read and discarded.
    ///   - caFile: PEM bundle to verify the server with, instead of the system store.
    ///   - responseHeaders: Names of response headers to return in ``HTTPResponse/headers``
    ///     (e.g. `X-Consul-Index`); looked up case-insensitively, last response only.
    ///   - cancel: Aborts the transfer when set (checked about once a second while idle).
    /// - Returns: The status and (capped) body of the final response, whatever the status.
    /// - Throws: ``HTTPClientError`` when no HTTP response arrived (connection
    ///   refused, timeout, DNS, TLS, bad URL, too many redirects, cancelled).
    public static func request(
        method: String = "GET", url: String, timeout: Duration, headers: [String: String] = [:],
        body: [UInt8]? = nil, maxBodyBytes: Int = 1 << 20, caFile: String? = nil,
        responseHeaders: [String] = [], cancel: CancellationFlag? = nil
    ) throws(HTTPClientError) -> HTTPResponse {
        guard globalInit == CURLE_OK else {
            throw HTTPClientError(
                code: Int(globalInit.rawValue), message: "curl_global_init failed: \(describe(globalInit))")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        defer { curl_easy_cleanup(handle) }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            guard let appended = curl_slist_append(headerList, "\(name): \(value)") else {
                throw HTTPClientError(
                    code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "cannot build request headers")
            }
            headerList = appended
        }

        let sink = ResponseSink(maxBytes: maxBodyBytes)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        let code: CURLcode = withExtendedLifetime((sink, cancel)) {
            var setup = Setup(handle: handle)
            setup.pointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
            setup.string(CURLOPT_URL, url)
            setup.long(CURLOPT_NOSIGNAL, 1)
            setup.long(CURLOPT_TIMEOUT_MS, milliseconds(timeout))
            setup.long(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeout))
            setup.string(CURLOPT_USERAGENT, userAgent)
            setup.long(CURLOPT_FOLLOWLOCATION, 1)
            setup.long(CURLOPT_MAXREDIRS, maxRedirects)
            setup.string(CURLOPT_PROTOCOLS_STR, "http,https")
            setup.string(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            setup.result(promshard_curl_setopt_write(handle, responseSinkWrite))
            setup.pointer(CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
            if let caFile { setup.string(CURLOPT_CAINFO, caFile) }
            if let cancel {
                setup.long(CURLOPT_NOPROGRESS, 0)
                setup.result(promshard_curl_setopt_xferinfo(handle, cancellationCheck))
                setup.pointer(CURLOPT_XFERINFODATA, Unmanaged.passUnretained(cancel).toOpaque())
            }
            if headerList != nil {
                setup.result(promshard_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            }

            switch method.uppercased() {
            case "GET":
                setup.long(CURLOPT_HTTPGET, 1)
            case "HEAD":
                setup.long(CURLOPT_NOBODY, 1)
            case "POST":
                setup.long(CURLOPT_POST, 1)
            default:
                setup.string(CURLOPT_CUSTOMREQUEST, method)
            }
            if method.uppercased() == "POST" || body != nil {
                // POSTFIELDSIZE before COPYPOSTFIELDS: libcurl copies exactly that
                // many bytes (NULs included); a size of 0 sends `Content-Length: 0`.
                let bytes = body ?? []
                setup.long(CURLOPT_POSTFIELDSIZE, bytes.count)
                bytes.withUnsafeBufferPointer { buffer in
                    // COPYPOSTFIELDS never reads through a nil pointer: give it "" when empty.
                    if let base = buffer.baseAddress, !buffer.isEmpty {
                        setup.pointer(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    } else {
                        setup.string(CURLOPT_COPYPOSTFIELDS, "")
                    }
                }
            }
            if setup.failure != CURLE_OK { return setup.failure }
            return curl_easy_perform(handle)
        }

        if code == CURLE_ABORTED_BY_CALLBACK, cancel?.isCancelled == true {
            throw HTTPClientError(code: HTTPClientError.cancelledCode, message: "cancelled")
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw HTTPClientError(code: Int(code.rawValue), message: detail.isEmpty ? describe(code) : detail)
        }
        var status = 0
        _ = promshard_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var found: [String: String] = [:]
        for name in responseHeaders {
            var header: UnsafeMutablePointer<curl_header>? = nil
            // request -1: the last response (after redirects).
            if curl_easy_header(handle, name, 0, 1 /* CURLH_HEADER */, -1, &header) == CURLHE_OK,
                let value = header?.pointee.value
            {
                found[name] = String(cString: value)
            }
        }
        return HTTPResponse(status: status, body: sink.body, headers: found)
    }

    /// `curl_easy_strerror` as a Swift string.
    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// A duration in whole milliseconds for libcurl, at least 1 (0 would mean "no timeout").
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow else { return Int.max }
        return max(1, ms.partialValue + Int64(attoseconds / 1_000_000_000_000_000)).clampedToInt
    }

    /// Applies options to one handle, remembering the first failure.
    private struct Setup {
        let handle: UnsafeMutableRawPointer
        var failure: CURLcode = CURLE_OK

        mutating func result(_ code: CURLcode) {
            if failure == CURLE_OK, code != CURLE_OK { failure = code }
        }
        mutating func long(_ option: CURLoption, _ value: Int) {
            result(promshard_curl_setopt_long(handle, option, value))
        }
        mutating func string(_ option: CURLoption, _ value: String) {
            result(promshard_curl_setopt_string(handle, option, value))
        }
        mutating func pointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer) {
            result(promshard_curl_setopt_pointer(handle, option, value))
        }
    }
}

extension Int64 {
    fileprivate var clampedToInt: Int { Int(clamping: self) }
}
