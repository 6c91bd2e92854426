import PromshardHashingEngine
import PromshardProtocol

/// Cuts the target groups along a plan: per node, the groups in input order, each with the
/// subset of its targets the node owns (in group order) and the group's labels. Pure.
///
/// A group a node owns whole is handed on as it is (same arrays, nothing copied), which is
/// the common case of file_sd files with one target per group.
enum GroupSplit {
    static func split(index: TargetIndex, plan: AssignmentPlan) -> [[TargetGroup]] {
        let nodeCount = plan.targetsByNode.count
        let replicas = max(1, plan.replicas)
        // owners[t * replicas + k], filled in node order; -1 = unassigned.
        var owners = [Int32](repeating: -1, count: index.ids.count * replicas)
        var filled = [UInt8](repeating: 0, count: index.ids.count)
        for (node, targets) in plan.targetsByNode.enumerated() {
            for t in targets {
                let k = Int(filled[t])
                guard k < replicas else { continue }
                owners[t * replicas + k] = Int32(node)
                filled[t] += 1
            }
        }
        var perNode = [[TargetGroup]](repeating: [], count: nodeCount)
        // The group each node's last entry came from, to extend it instead of opening another.
        var lastGroup = [Int](repeating: -1, count: nodeCount)
        for g in index.groups.indices {
            let members = index.members(of: g)
            if replicas == 1, let whole = soleOwner(members, owners),
                members.count == index.groups[g].targets.count
            {
                perNode[whole].append(index.groups[g])
                continue
            }
            let labels = index.groups[g].labels
            for t in members {
                for k in 0..<replicas {
                    let node = Int(owners[Int(t) * replicas + k])
                    if node < 0 { break }
                    let target = index.ids[Int(t)]
                    if lastGroup[node] == g {
                        perNode[node][perNode[node].count - 1].targets.append(target)
                    } else {
                        lastGroup[node] = g
                        perNode[node].append(TargetGroup(targets: [target], labels: labels))
                    }
                }
            }
        }
        return perNode
    }

    /// The one node that owns every member (one replica), nil when they are spread or unowned.
    private static func soleOwner(_ members: ArraySlice<Int32>, _ owners: [Int32]) -> Int? {
        guard let first = members.first else { return nil }
        let node = owners[Int(first)]
        guard node >= 0 else { return nil }
        for t in members where owners[Int(t)] != node { return nil }
        return Int(node)
    }
}
