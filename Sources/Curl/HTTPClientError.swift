/// A transfer that did not produce an HTTP response: connection refused,
/// timeout, DNS failure, TLS error, bad URL…
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libcurl error code (`CURLcode`), e.g. 7 for "couldn't connect", 28 for a timeout.
    public var code: Int
    /// libcurl's detailed message (its error buffer), or `curl_easy_strerror` when empty.
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// libcurl's code for a transfer that exceeded its timeout.
    public static let timeoutCode = 28

    /// Whether the transfer hit its timeout.
    public var isTimeout: Bool { code == Self.timeoutCode }

    /// libcurl's code for a transfer aborted by its callback: here, a ``CancellationFlag``.
    public static let cancelledCode = 42

    /// Whether the transfer was cancelled through its ``CancellationFlag``.
    public var isCancelled: Bool { code == Self.cancelledCode }

    public var description: String { message }
}
