import PromshardProtocol

/// Per collector, what an assignment change would give and take: the "dry run with movement
/// preview" of `promshard plan`. Pure.
public struct MovementPreview: Sendable, Equatable {
    /// One collector's change.
    public struct Change: Sendable, Equatable {
        public var collector: String
        /// Targets it has now.
        public var before: Int
        /// Targets it would have.
        public var after: Int
        /// Targets it would receive (not on it now).
        public var gained: Int
        /// Targets it would give up (on it now, not after).
        public var lost: Int
    }

    /// Every collector of either assignment, by name.
    public var changes: [Change]
    /// Placements that would move (sum of `gained` over targets present in both).
    public var moved: Int

    /// Compares what is delivered (`current`) with what would be (`next`) for one service.
    public init(current: ServiceAssignment?, next: ServiceAssignment) {
        let now = current.map(AssignmentBuilder.owners(of:)) ?? [:]
        let then = AssignmentBuilder.owners(of: next)
        var gained: [String: Int] = [:]
        var lost: [String: Int] = [:]
        var moved = 0
        for (target, owners) in then {
            let old = Set(now[target] ?? [])
            for owner in Set(owners) where !old.contains(owner) {
                gained[owner, default: 0] += 1
                if now[target] != nil { moved += 1 }
            }
        }
        for (target, owners) in now {
            let new = Set(then[target] ?? [])
            for owner in Set(owners) where !new.contains(owner) { lost[owner, default: 0] += 1 }
        }
        var before: [String: Int] = [:]
        for c in current?.collectors ?? [] { before[c.name] = c.targetCount }
        var after: [String: Int] = [:]
        for c in next.collectors { after[c.name] = c.targetCount }
        let names = Set(before.keys).union(after.keys).sorted()
        changes = names.map {
            Change(
                collector: $0, before: before[$0] ?? 0, after: after[$0] ?? 0, gained: gained[$0] ?? 0,
                lost: lost[$0] ?? 0)
        }
        self.moved = moved
    }
}
