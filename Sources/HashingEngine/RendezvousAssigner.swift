/// promshard's assignment engine: weighted rendezvous (highest random weight) hashing with
/// replicas and a bounded-load cap.
///
/// 1. Every target is hashed once (`TargetKey`); every node once (`NodeTable`).
/// 2. Each target goes to its R best nodes by weighted rendezvous score (`CandidateSelector`).
/// 3. Unless the cap is disabled (`LoadCapPolicy`), no node may hold more than its cap
///    (`LoadCap`, at most `ceil(factor × fair share)`): if the unconstrained result breaks a cap,
///    targets are replayed in ascending hash order and take their best nodes that still have room
///    (`CappedPass`).
///
/// See docs/PERFORMANCE.md for the measurements behind the default cap.
public enum RendezvousAssigner {
    /// The smallest load factor of the default policy (`LoadCapPolicy.standard`), which applies
    /// when the caller passes `maxLoadFactor: nil`.
    public static let defaultMaxLoadFactor: Double = 1.03

    /// Assigns every target to `replicas` distinct nodes.
    ///
    /// Deterministic across processes, runs and machines; independent of the order of `nodes`
    /// and of `targetIDs` (the owner set of a target depends only on service, target id and
    /// the node set, plus — when the cap binds — the other target ids).
    ///
    /// - Parameters:
    ///   - service: scopes the target hashes (the same address in two services hashes differently).
    ///   - targetIDs: target identities (addresses); labels must not be part of them. Duplicate
    ///     ids share the same owners and do not consume cap room twice.
    ///   - nodes: the collectors; names must be unique, weights finite and > 0 (others are skipped
    ///     with a warning).
    ///   - replicas: owners per target; capped at the number of usable nodes with a warning.
    ///   - maxLoadFactor: `nil` uses `LoadCapPolicy.standard` (at least `defaultMaxLoadFactor`);
    ///     `.infinity` disables the cap (pure rendezvous, minimal movement); a number F caps every
    ///     node at `ceil(F × fair share)`; values below 1 are raised to 1 with a warning.
    public static func assign(
        service: String, targetIDs: [String], nodes: [HashNode],
        replicas: Int = 1, maxLoadFactor: Double? = nil
    ) -> AssignmentPlan {
        var warnings: [String] = []
        let policy = policy(maxLoadFactor, warnings: &warnings)
        var plan = assign(
            service: service, targetIDs: targetIDs, nodes: nodes, replicas: replicas, loadCap: policy)
        plan.warnings = warnings + plan.warnings
        return plan
    }

    /// Like `assign(service:targetIDs:nodes:replicas:maxLoadFactor:)` with an explicit cap policy.
    public static func assign(
        service: String, targetIDs: [String], nodes: [HashNode], replicas: Int, loadCap: LoadCapPolicy
    ) -> AssignmentPlan {
        let table = NodeTable(nodes: nodes)
        var warnings = table.warnings
        guard table.count > 0 else {
            return .unassigned(nodes: nodes, targets: targetIDs.count, warnings: warnings)
        }
        let effective = ReplicaCount.effective(replicas, usable: table.count, warnings: &warnings)
        let hashes = TargetKey.hashes(service: service, targetIDs: targetIDs)
        let selector = CandidateSelector(table: table, replicas: effective)
        var owners = UnconstrainedPass.run(hashes: hashes, selector: selector)
        if loadCap != .unbounded {
            CappedPass.run(
                policy: loadCap, hashes: hashes, targetIDs: targetIDs, table: table,
                replicas: effective, owners: &owners, warnings: &warnings)
        }
        return AssignmentPlan(
            nodes: nodes,
            targetsByNode: PlanBuilder.targetsByNode(
                owners: owners, replicas: effective, table: table, nodeCount: nodes.count),
            replicas: effective, warnings: warnings)
    }

    /// `nil` → `.standard`; infinity → unbounded; below 1 or nan → corrected with a warning.
    private static func policy(_ requested: Double?, warnings: inout [String]) -> LoadCapPolicy {
        guard let requested else { return .standard }
        if requested.isNaN {
            warnings.append("max_load_factor nan: using the default")
            return .standard
        }
        if requested == .infinity { return .unbounded }
        if requested < 1 {
            warnings.append("max_load_factor \(requested) < 1: using 1")
            return .factor(1)
        }
        return .factor(requested)
    }
}
