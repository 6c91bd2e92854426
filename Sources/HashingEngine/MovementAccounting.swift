/// Compares two assignments and reports the `Movement` between them.
public enum MovementAccounting {
    /// Movement between two assignments given as owner node names per target id.
    ///
    /// The node sets are taken from the owners that appear; all nodes weigh 1. Targets present
    /// in only one of the two maps are ignored.
    public static func measure(previous: [String: [String]], current: [String: [String]]) -> Movement {
        measure(previous: previous, current: current, weights: [:])
    }

    /// Like `measure(previous:current:)`, with the weights of the current nodes (missing → 1)
    /// for the fair share of new nodes.
    public static func measure(
        previous: [String: [String]], current: [String: [String]], weights: [String: Double]
    ) -> Movement {
        var before = Set<String>()
        for owners in previous.values {
            before.formUnion(owners)
        }
        var now = Set<String>()
        for owners in current.values {
            now.formUnion(owners)
        }
        var moved = 0
        var mustMove = 0
        var placements = 0
        for (target, owners) in current {
            guard let old = previous[target] else { continue }
            placements += owners.count
            moved += owners.reduce(0) { $0 + (old.contains($1) ? 0 : 1) }
            let stillThere = old.reduce(0) { $0 + (now.contains($1) ? 1 : 0) }
            mustMove += max(0, owners.count - stillThere)
        }
        let weight = { (name: String) in weights[name] ?? 1 }
        let newWeight = now.subtracting(before).reduce(0.0) { $0 + weight($1) }
        let totalWeight = now.reduce(0.0) { $0 + weight($1) }
        return movement(
            moved: moved, mustMove: mustMove, placements: placements, newWeight: newWeight,
            totalWeight: totalWeight)
    }

    /// Movement between two plans computed for the same target list (index-aligned), e.g. before
    /// and after a collector joined. Node sets and weights come from the plans' `nodes`.
    public static func measure(previous: AssignmentPlan, current: AssignmentPlan) -> Movement {
        var uid: [String: Int32] = [:]
        for node in previous.nodes + current.nodes where uid[node.name] == nil {
            uid[node.name] = Int32(uid.count)
        }
        let targets =
            max(
                previous.targetsByNode.lazy.compactMap(\.last).max() ?? -1,
                current.targetsByNode.lazy.compactMap(\.last).max() ?? -1) + 1
        let old = OwnerTable(previous, uid: uid, targets: targets)
        let new = OwnerTable(current, uid: uid, targets: targets)
        var inCurrent = [Bool](repeating: false, count: uid.count)
        var isNew = [Bool](repeating: false, count: uid.count)
        var newWeight = 0.0
        var totalWeight = 0.0
        let before = Set(previous.nodes.map(\.name))
        for node in current.nodes where node.weight.isFinite && node.weight > 0 {
            let id = Int(uid[node.name]!)
            guard !inCurrent[id] else { continue }
            inCurrent[id] = true
            totalWeight += node.weight
            if !before.contains(node.name) {
                isNew[id] = true
                newWeight += node.weight
            }
        }
        var moved = 0
        var mustMove = 0
        var placements = 0
        for t in 0..<targets {
            let nowOwners = new.owners(of: t)
            let oldOwners = old.owners(of: t)
            placements += nowOwners.count
            for owner in nowOwners where !oldOwners.contains(owner) {
                moved += 1
            }
            let stillThere = oldOwners.reduce(0) { $0 + (inCurrent[Int($1)] ? 1 : 0) }
            mustMove += max(0, nowOwners.count - stillThere)
        }
        return movement(
            moved: moved, mustMove: mustMove, placements: placements, newWeight: newWeight,
            totalWeight: totalWeight)
    }

    private static func movement(
        moved: Int, mustMove: Int, placements: Int, newWeight: Double, totalWeight: Double
    ) -> Movement {
        let newShare = totalWeight > 0 ? (Double(placements) * newWeight / totalWeight).rounded() : 0
        return Movement(moved: moved, ideal: max(mustMove, Int(newShare)))
    }
}

/// Owners per target index as unified node ids (compressed rows).
private struct OwnerTable {
    var offsets: [Int]
    var owners: [Int32]

    init(_ plan: AssignmentPlan, uid: [String: Int32], targets: Int) {
        var counts = [Int](repeating: 0, count: targets + 1)
        for list in plan.targetsByNode {
            for t in list {
                counts[t + 1] += 1
            }
        }
        for t in 0..<targets {
            counts[t + 1] += counts[t]
        }
        offsets = counts
        var next = counts
        owners = [Int32](repeating: -1, count: counts[targets])
        for (n, list) in plan.targetsByNode.enumerated() {
            let id = uid[plan.nodes[n].name]!
            for t in list {
                owners[next[t]] = id
                next[t] += 1
            }
        }
    }

    func owners(of t: Int) -> ArraySlice<Int32> {
        owners[offsets[t]..<offsets[t + 1]]
    }
}
