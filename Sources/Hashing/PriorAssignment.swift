/// What the collectors have now: the owner names of every target, as last delivered.
///
/// The sticky engine's memory. It is a plain input value (the engine never stores it), so the
/// engine stays pure: the caller keeps the previous result and passes it back in.
public struct PriorAssignment: Sendable, Equatable {
    /// Owner names per target id. Targets missing here are new; names that are no longer
    /// collectors are owners that left.
    public var owners: [String: [String]]

    /// Creates a prior assignment from owner names per target id.
    public init(owners: [String: [String]]) {
        self.owners = owners
    }

    /// The assignment `plan` made for `targetIDs` (the list it was computed for).
    public init(plan: AssignmentPlan, targetIDs: [String]) {
        var owners: [String: [String]] = [:]
        owners.reserveCapacity(targetIDs.count)
        for (n, list) in plan.targetsByNode.enumerated() {
            let name = plan.nodes[n].name
            for t in list {
                owners[targetIDs[t], default: []].append(name)
            }
        }
        self.owners = owners
    }

    /// Whether no target has an owner.
    public var isEmpty: Bool { owners.values.allSatisfy(\.isEmpty) }
}
