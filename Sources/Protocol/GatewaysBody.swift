/// `push.gateways`: the Pushgateways of `push:` as discovery sees them
/// (static and Consul ones, health-probed like collectors).
///
/// Published by discovery whenever a gateway is added, removed or changes
/// health; the push child routes only to the healthy ones listed here.
public struct GatewaysBody: Codable, Sendable, Equatable {
    /// Every known gateway; `name` is `address:port`.
    public var gateways: [CollectorState]
    /// Gateway sources that failed (e.g. Consul unreachable); their last known gateways are kept.
    public var errors: [SourceError]

    public init(gateways: [CollectorState], errors: [SourceError] = []) {
        self.gateways = gateways
        self.errors = errors
    }
}
