/// A collector as the hashing engine sees it.
///
/// Only `name` and `weight` influence placement: the name is hashed once into the node's
/// rendezvous key and the weight sets the node's share. `zone` is carried along for callers
/// (and for future zone-aware replica placement) but never changes the assignment today.
public struct HashNode: Sendable, Hashable {
    /// Unique name of the collector (e.g. `host:port`); its hash is the node's identity.
    public var name: String
    /// Relative capacity, must be finite and > 0; a node with weight 2 gets twice the share of weight 1.
    public var weight: Double
    /// Optional failure domain of the collector.
    public var zone: String?

    /// Creates a node; `weight` defaults to 1.
    public init(name: String, weight: Double = 1, zone: String? = nil) {
        self.name = name
        self.weight = weight
        self.zone = zone
    }
}
