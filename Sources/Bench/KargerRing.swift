import PromshardHashingEngine

/// A Karger consistent-hash ring: every collector owns `virtualNodes × weight` points
/// (`XXH64(name, seed: v)`); a target belongs to the first point clockwise from its hash, replicas
/// to the next distinct collectors.
struct KargerRing {
    let nodes: [HashNode]
    private var points: [UInt64] = []
    private var owners: [Int32] = []

    init(nodes: [HashNode], virtualNodes: Int) {
        self.nodes = nodes
        var ring: [(UInt64, Int32)] = []
        for (n, node) in nodes.enumerated() {
            let count = max(1, Int((Double(virtualNodes) * node.weight).rounded()))
            for v in 0..<count {
                ring.append((XXH64.hash(node.name, seed: UInt64(v)), Int32(n)))
            }
        }
        ring.sort { $0.0 != $1.0 ? $0.0 < $1.0 : nodes[Int($0.1)].name < nodes[Int($1.1)].name }
        points = ring.map(\.0)
        owners = ring.map(\.1)
    }

    func assign(service: String, targetIDs: [String], replicas: Int) -> AssignmentPlan {
        var byNode = [[Int]](repeating: [], count: nodes.count)
        guard !nodes.isEmpty else {
            return AssignmentPlan(nodes: nodes, targetsByNode: byNode, replicas: 0)
        }
        let r = min(replicas, nodes.count)
        let seed = TargetKey.serviceSeed(service)
        var picked: [Int32] = []
        for (i, id) in targetIDs.enumerated() {
            var at = successor(XXH64.hash(id, seed: seed))
            picked.removeAll(keepingCapacity: true)
            while picked.count < r {
                let owner = owners[at]
                if !picked.contains(owner) {
                    picked.append(owner)
                    byNode[Int(owner)].append(i)
                }
                at = at + 1 == points.count ? 0 : at + 1
            }
        }
        return AssignmentPlan(nodes: nodes, targetsByNode: byNode, replicas: r)
    }

    /// Index of the first point >= `hash`, wrapping to 0.
    private func successor(_ hash: UInt64) -> Int {
        var lo = 0
        var hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid] < hash {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        return lo == points.count ? 0 : lo
    }
}
