/// promshard's sticky assignment engine: bounded-load weighted rendezvous with memory of the
/// previous assignment.
///
/// Given what the collectors have now (`PriorAssignment`), every target stays where it is while
/// its collector is present and under its cap. Orphans (targets of collectors that left, and new
/// targets) go by rendezvous to the collectors with room. A collector that joins (or returns)
/// takes the targets whose rendezvous choice it is, up to its fair share, and pulls the rest from
/// the most loaded collectors. The steps are in `StickyPass`, the bounds in `StickyBounds`.
///
/// Consequences, checked by the property tests (Tests/HashingEngineTests/StickyPropertyTests.swift):
/// - a collector that leaves moves only its own placements; no target moves between two
///   collectors that stay;
/// - a collector that joins receives targets, and nothing else moves; at most its cap
///   (`ceil(maxLoadFactor × fair share)`) move;
/// - no collector holds more than its cap, so with the default factor 1 the loads differ from
///   the fair share by less than one target (replicas aside, see `StickyPass`).
///
/// Without a prior assignment every target is an orphan: the result is deterministic across
/// processes and machines and independent of the order of `nodes` and `targetIDs`.
public enum StickyAssigner {
    /// The default load factor: caps are `ceil(fair share)`. A tight cap costs the sticky engine
    /// no movement (targets never move to rebalance a leave), so it buys exact balance for free.
    public static let defaultMaxLoadFactor: Double = 1

    /// Assigns every target to `replicas` distinct nodes, keeping `previous` where it can.
    ///
    /// - Parameters:
    ///   - service: scopes the target hashes.
    ///   - targetIDs: target identities (addresses). Duplicate ids share the same owners.
    ///   - nodes: the collectors; names unique, weights finite and > 0 (others get no targets).
    ///   - replicas: owners per target; capped at the number of usable nodes with a warning.
    ///   - maxLoadFactor: `nil` uses `defaultMaxLoadFactor`; `.infinity` disables the cap (plain
    ///     rendezvous for orphans and newcomers); F caps every node at `ceil(F × fair share)`;
    ///     values below 1 are raised to 1 with a warning.
    ///   - previous: what the collectors have now; `nil` or empty computes afresh.
    public static func assign(
        service: String, targetIDs: [String], nodes: [HashNode], replicas: Int = 1,
        maxLoadFactor: Double? = nil, previous: PriorAssignment?
    ) -> AssignmentPlan {
        let table = NodeTable(nodes: nodes)
        var warnings = table.warnings
        let factor = factor(maxLoadFactor, warnings: &warnings)
        guard table.count > 0 else {
            return .unassigned(nodes: nodes, targets: targetIDs.count, warnings: warnings)
        }
        let r = ReplicaCount.effective(replicas, usable: table.count, warnings: &warnings)
        let allHashes = TargetKey.hashes(service: service, targetIDs: targetIDs)
        let unique = UniqueTargets(hashes: allHashes, targetIDs: targetIDs)
        let hashes = unique.order.map { allHashes[Int($0)] }
        let kept = keep(
            previous, targetIDs: targetIDs, order: unique.order, hashes: hashes, table: table, nodes: nodes,
            replicas: r)
        let bounds = StickyBounds(
            factor: factor, placements: r * hashes.count, targets: hashes.count, replicas: r, table: table)
        let pass = StickyPass(table: table, replicas: r, bounds: bounds, hashes: hashes, kept: kept)
        pass.run()
        if pass.overflow > 0 {
            warnings.append(
                "load cap exceeded by \(pass.overflow) placements: too few collectors with room for \(r) distinct owners"
            )
        }
        var owners = [Int32](repeating: 0, count: targetIDs.count * r)
        for (u, index) in unique.order.enumerated() {
            for q in 0..<r {
                owners[Int(index) * r + q] = pass.owners[u * r + q]
            }
        }
        for (copy, of) in unique.copies {
            for q in 0..<r {
                owners[copy * r + q] = owners[of * r + q]
            }
        }
        return AssignmentPlan(
            nodes: nodes,
            targetsByNode: PlanBuilder.targetsByNode(
                owners: owners, replicas: r, table: table, nodeCount: nodes.count),
            replicas: r, warnings: warnings)
    }

    /// The previous owners of each distinct target that are still usable nodes, at most `r` (the
    /// best-ranked ones when replicas were lowered), as `hashes.count × r` slots (-1 = none).
    private static func keep(
        _ previous: PriorAssignment?, targetIDs: [String], order: [Int32], hashes: [UInt64],
        table: NodeTable, nodes: [HashNode], replicas r: Int
    ) -> [Int32] {
        var slots = [Int32](repeating: -1, count: hashes.count * r)
        guard let previous else { return slots }
        let (offsets, ids) = previous.rows(targetIDs: targetIDs, table: table, nodes: nodes)
        guard !ids.isEmpty else { return slots }
        var present: [Int32] = []
        for (u, index) in order.enumerated() {
            let i = Int(index)
            guard offsets[i + 1] > offsets[i] else { continue }
            present.removeAll(keepingCapacity: true)
            for id in ids[offsets[i]..<offsets[i + 1]] where !present.contains(id) {
                present.append(id)
            }
            if present.count > r {
                let key = { (id: Int32) in table.key(hashes[u], id) }
                present.sort { key($0) != key($1) ? key($0) < key($1) : $0 < $1 }
                present.removeLast(present.count - r)
            }
            for (q, id) in present.enumerated() {
                slots[u * r + q] = id
            }
        }
        return slots
    }

    /// `nil` → the default; infinity → no cap (`nil` result); below 1 or nan → corrected with a warning.
    private static func factor(_ requested: Double?, warnings: inout [String]) -> Double? {
        guard let requested else { return defaultMaxLoadFactor }
        if requested.isNaN {
            warnings.append("max_load_factor nan: using the default")
            return defaultMaxLoadFactor
        }
        if requested == .infinity { return nil }
        if requested < 1 {
            warnings.append("max_load_factor \(requested) < 1: using 1")
            return 1
        }
        return requested
    }
}

extension AssignmentPlan {
    /// The plan when no collector is usable: nothing assigned, and a warning if targets exist.
    static func unassigned(nodes: [HashNode], targets: Int, warnings: [String]) -> AssignmentPlan {
        var warnings = warnings
        if targets > 0 {
            warnings.append("no usable collector: \(targets) targets unassigned")
        }
        return AssignmentPlan(
            nodes: nodes, targetsByNode: Array(repeating: [], count: nodes.count), replicas: 0,
            warnings: warnings)
    }
}
