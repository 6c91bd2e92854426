/// The owner of single keys among weighted nodes: weighted rendezvous with
/// the same scores as ``RendezvousAssigner`` (node hash, `-ln(u) / weight`,
/// ties to the lower canonical id) and no load cap, so a key's owner depends
/// only on the key and the node set.
///
/// Removing a node moves only the keys it owned; adding one takes keys only
/// from the others in proportion to its weight. Pure and `Sendable`: build it
/// once per node set and ask it from any thread.
public struct KeyOwner: Sendable {
    private let table: NodeTable
    private let nodes: [HashNode]
    private let seed: UInt64

    /// - Parameters:
    ///   - namespace: scopes the key hashes, like a service name.
    ///   - nodes: the candidates; duplicate names and weights that are not finite and > 0 are skipped.
    public init(namespace: String, nodes: [HashNode]) {
        self.table = NodeTable(nodes: nodes)
        self.nodes = nodes
        self.seed = TargetKey.serviceSeed(namespace)
    }

    /// Number of usable nodes.
    public var count: Int { table.count }

    /// The node that owns `key`, or nil when there is no usable node.
    public func owner(of key: String) -> HashNode? {
        guard table.count > 0 else { return nil }
        let hash = XXH64.hash(key, seed: seed)
        var best: Int32 = 0
        var bestKey = table.key(hash, 0)
        for id in 1..<Int32(table.count) {
            let k = table.key(hash, id)
            if k < bestKey {
                best = id
                bestKey = k
            }
        }
        return nodes[table.inputIndex[Int(best)]]
    }
}
