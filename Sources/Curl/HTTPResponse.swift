/// The answer to one HTTP request made with ``HTTPClient``.
public struct HTTPResponse: Sendable, Equatable {
    /// The HTTP status code of the last response (after redirects), e.g. 200.
    public var status: Int
    /// The response body, truncated to the caller's `maxBodyBytes`.
    public var body: [UInt8]
    /// The response headers asked for with `responseHeaders`, by the name asked.
    public var headers: [String: String]

    public init(status: Int, body: [UInt8], headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8 (invalid sequences replaced), for messages.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
