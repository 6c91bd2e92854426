/// The usable nodes of one assignment in canonical order, independent of the input order.
///
/// Canonical order is ascending (node hash, name). A node is usable when its name was not
/// seen before in the input and its weight is finite and > 0; the others are reported in
/// `warnings` and get no targets. Nodes are grouped by weight: within a group, rendezvous
/// ranking needs only integer comparisons of score bits; logarithms are needed only to
/// compare the few winners of different groups.
struct NodeTable {
    /// Canonical id → index in the input node array.
    var inputIndex: [Int] = []
    /// Canonical id → rendezvous key of the node.
    var hashes: [UInt64] = []
    /// Canonical id → weight.
    var weights: [Double] = []
    /// Canonical ids per distinct weight, groups in ascending weight, ids ascending.
    var groups: [[Int32]] = []
    /// Problems found in the input.
    var warnings: [String] = []

    /// Seed of the node-name hash, "promshrd" in ASCII.
    static let nodeSeed: UInt64 = 0x7072_6F6D_7368_7264

    var count: Int { hashes.count }

    init(nodes: [HashNode]) {
        var seen = Set<String>()
        var usable: [(hash: UInt64, input: Int)] = []
        for (index, node) in nodes.enumerated() {
            guard seen.insert(node.name).inserted else {
                warnings.append("duplicate collector name \(node.name): only its first entry gets targets")
                continue
            }
            guard node.weight.isFinite, node.weight > 0 else {
                warnings.append("collector \(node.name) has weight \(node.weight): it gets no targets")
                continue
            }
            usable.append((XXH64.hash(node.name, seed: Self.nodeSeed), index))
        }
        usable.sort { a, b in
            a.hash != b.hash
                ? a.hash < b.hash
                : nodes[a.input].name.utf8.lexicographicallyPrecedes(nodes[b.input].name.utf8)
        }
        inputIndex = usable.map(\.input)
        hashes = usable.map(\.hash)
        weights = usable.map { nodes[$0.input].weight }
        var byWeight: [Double: [Int32]] = [:]
        for id in weights.indices {
            byWeight[weights[id], default: []].append(Int32(id))
        }
        groups = byWeight.keys.sorted().map { byWeight[$0]! }
    }
}
