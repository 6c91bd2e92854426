/// One answer from Consul's HTTP API.
public struct ConsulResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body.
    public var body: [UInt8]
    /// `X-Consul-Index`, when the endpoint sends one (blocking-capable reads do).
    public var index: UInt64?

    public init(status: Int, body: [UInt8], index: UInt64? = nil) {
        self.status = status
        self.body = body
        self.index = index
    }
}
