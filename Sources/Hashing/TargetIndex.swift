import PromshardHashingEngine
import PromshardProtocol

/// The targets of one service, numbered once: the engine's input (`ids`, first occurrence
/// order) and, per group, the numbers of its targets (a target listed twice in one group once).
///
/// Built once per `targets` message and reused while the groups stay the same, so a failover
/// (only the collectors changed) does not hash a million strings again. The members of all
/// groups sit in one flat array (`start[g] ..< start[g + 1]`), not one array per group.
public struct TargetIndex: Sendable {
    /// The groups it was built from (compared cheaply: an unchanged decoded array is the same buffer).
    public let groups: [TargetGroup]
    /// Distinct target ids in first-occurrence order.
    public let ids: [String]
    private let flat: [Int32]
    private let start: [Int32]

    public init(_ groups: [TargetGroup]) {
        self.groups = groups
        var ids: [String] = []
        var index: [String: Int32] = [:]
        index.reserveCapacity(groups.count)
        var flat: [Int32] = []
        flat.reserveCapacity(groups.count)
        var start: [Int32] = [0]
        start.reserveCapacity(groups.count + 1)
        // lastGroup[t] = the last group that listed t, to drop repeats within a group.
        var lastGroup: [Int32] = []
        for (g, group) in groups.enumerated() {
            for target in group.targets {
                let t: Int32
                if let known = index[target] {
                    t = known
                    if lastGroup[Int(t)] == Int32(g) { continue }
                    lastGroup[Int(t)] = Int32(g)
                } else {
                    t = Int32(ids.count)
                    index[target] = t
                    ids.append(target)
                    lastGroup.append(Int32(g))
                }
                flat.append(t)
            }
            start.append(Int32(flat.count))
        }
        self.ids = ids
        self.flat = flat
        self.start = start
    }

    /// Indices into `ids` of group `g`'s targets, in group order.
    public func members(of g: Int) -> ArraySlice<Int32> { flat[Int(start[g])..<Int(start[g + 1])] }
}

/// What the hashing child remembers of a service between two assignments: the target index and
/// the last plan, so that movement is measured on plans (index-aligned) instead of on owner maps
/// of every target.
public struct AssignmentMemo: Sendable {
    public var index: TargetIndex?
    /// The last plan and the target ids it was computed for.
    public var plan: (ids: [String], plan: AssignmentPlan)?
    public init() {}

    /// The index for `groups`, rebuilt only when they changed.
    mutating func index(for groups: [TargetGroup]) -> TargetIndex {
        if let index, index.groups == groups { return index }
        let fresh = TargetIndex(groups)
        index = fresh
        return fresh
    }
}
