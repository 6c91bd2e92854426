import PromshardHashingEngine
import PromshardProtocol

/// The healthy gateways and the owner of every group among them.
///
/// Pure: the owner of a group is the weighted rendezvous winner of its
/// grouping key (``GroupingKey/description``) among the healthy gateways, so
/// a gateway going down moves only its own groups, and coming back takes
/// back the same ones.
public struct GatewayRing: Sendable {
    /// Namespace of the key hashes.
    static let namespace = "push"
    /// The healthy gateways, by name (`address:port`).
    public let healthy: [String: CollectorState]
    /// Every known gateway, healthy or not.
    public let all: [CollectorState]
    private let owners: KeyOwner

    public init(_ body: GatewaysBody) {
        all = body.gateways
        let up = body.gateways.filter(\.healthy)
        healthy = Dictionary(up.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        owners = KeyOwner(
            namespace: Self.namespace, nodes: up.map { HashNode(name: $0.name, weight: $0.weight) })
    }

    /// No gateway known yet.
    public static let empty = GatewayRing(GatewaysBody(gateways: []))

    /// The gateway that owns `key`; nil when no gateway is healthy.
    public func owner(of key: GroupingKey) -> CollectorState? {
        owners.owner(of: key.description).flatMap { healthy[$0.name] }
    }
}
