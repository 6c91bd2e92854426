/// Body of `ping` (supervisor → child) and `pong` (child → supervisor).
///
/// A child answers a ping with a pong carrying the same `id` when its main
/// loop takes the ping from the bus, so an answer proves that the process
/// runs and that its loop still consumes messages.
public struct PingBody: Codable, Sendable, Equatable {
    /// Chosen by the supervisor, echoed by the child.
    public var id: UInt64
    public init(id: UInt64) { self.id = id }
}
