import PromshardHashingEngine

/// Prometheus's `hashmod` relabel action as used for sharding: collector k (in list order) keeps
/// the targets whose `md5(__address__)` — last 8 bytes read big-endian — is k modulo N.
enum HashmodScheme {
    static func assign(targetIDs: [String], nodes: [HashNode]) -> AssignmentPlan {
        var byNode = [[Int]](repeating: [], count: nodes.count)
        guard !nodes.isEmpty else {
            return AssignmentPlan(nodes: nodes, targetsByNode: byNode, replicas: 0)
        }
        for (i, id) in targetIDs.enumerated() {
            byNode[Int(value(id) % UInt64(nodes.count))].append(i)
        }
        return AssignmentPlan(nodes: nodes, targetsByNode: byNode, replicas: 1)
    }

    /// The 64-bit value hashmod reduces: bytes 8..<16 of the MD5 digest, big-endian.
    static func value(_ address: String) -> UInt64 {
        MD5.digest(address)[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
