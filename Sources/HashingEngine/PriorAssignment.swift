/// What the collectors have now: the owner names of every target, as last delivered.
///
/// The sticky engine's memory. It is a plain input value (the engine never stores it), so the
/// engine stays pure: the caller keeps the previous result and passes it back in.
public struct PriorAssignment: Sendable {
    enum Storage: Sendable {
        case byID([String: [String]])
        /// A plan and the target list it was computed for: read by index when the next call has
        /// the same target list (no string lookups per target).
        case plan(AssignmentPlan, targetIDs: [String])
    }

    let storage: Storage

    /// Creates a prior assignment from owner names per target id. Targets missing here are new;
    /// names that are no longer collectors are owners that left.
    public init(owners: [String: [String]]) {
        storage = .byID(owners)
    }

    /// The assignment `plan` made for `targetIDs` (the list it was computed for).
    public init(plan: AssignmentPlan, targetIDs: [String]) {
        storage = .plan(plan, targetIDs: targetIDs)
    }

    /// Owner names per target id.
    public var owners: [String: [String]] {
        switch storage {
        case .byID(let owners):
            return owners
        case .plan(let plan, let targetIDs):
            var owners: [String: [String]] = [:]
            owners.reserveCapacity(targetIDs.count)
            for (n, list) in plan.targetsByNode.enumerated() {
                let name = plan.nodes[n].name
                for t in list {
                    owners[targetIDs[t], default: []].append(name)
                }
            }
            return owners
        }
    }

    /// Whether no target has an owner.
    public var isEmpty: Bool {
        switch storage {
        case .byID(let owners): owners.values.allSatisfy(\.isEmpty)
        case .plan(let plan, _): plan.targetsByNode.allSatisfy(\.isEmpty)
        }
    }

    /// The previous owners of each input target as canonical ids of `table` (nodes no longer
    /// usable dropped), in compressed rows: owners of target i are `ids[offsets[i] ..< offsets[i + 1]]`.
    func rows(targetIDs: [String], table: NodeTable, nodes: [HashNode]) -> (offsets: [Int], ids: [Int32]) {
        var idOf: [String: Int32] = [:]
        for (id, input) in table.inputIndex.enumerated() {
            idOf[nodes[input].name] = Int32(id)
        }
        var counts = [Int](repeating: 0, count: targetIDs.count + 1)
        switch storage {
        case .plan(let plan, let ids) where ids == targetIDs:
            let canonical = plan.nodes.map { idOf[$0.name] }
            for (n, list) in plan.targetsByNode.enumerated() where canonical[n] != nil {
                for t in list { counts[t + 1] += 1 }
            }
            var offsets = counts
            for i in 0..<targetIDs.count { offsets[i + 1] += offsets[i] }
            var next = offsets
            var rows = [Int32](repeating: -1, count: offsets[targetIDs.count])
            for (n, list) in plan.targetsByNode.enumerated() {
                guard let id = canonical[n] else { continue }
                for t in list {
                    rows[next[t]] = id
                    next[t] += 1
                }
            }
            return (offsets, rows)
        default:
            let owners = owners
            var found: [[Int32]] = []
            found.reserveCapacity(targetIDs.count)
            for (i, target) in targetIDs.enumerated() {
                let ids = (owners[target] ?? []).compactMap { idOf[$0] }
                counts[i + 1] = ids.count
                found.append(ids)
            }
            var offsets = counts
            for i in 0..<targetIDs.count { offsets[i + 1] += offsets[i] }
            return (offsets, found.flatMap { $0 })
        }
    }
}
