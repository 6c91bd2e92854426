/// Small companions of the big bodies, for the health child: it needs counts, not a million
/// targets (`targets.counts`, `assignment.summary`).

/// `targets.counts`: distinct targets per service and the failed sources, as in `targets`.
public struct TargetCountsBody: Codable, Sendable, Equatable {
    /// Distinct target addresses per service.
    public var services: [String: Int]
    public var errors: [SourceError]
    /// Removals held back by `targets.max_drop`, as in `targets`; nil when none.
    public var held: [HeldDrop]?

    public init(services: [String: Int], errors: [SourceError] = [], held: [HeldDrop]? = nil) {
        self.services = services
        self.errors = errors
        self.held = held
    }

    /// The counts of a `targets` body (a target listed in several groups counts once).
    public init(_ targets: TargetsBody) {
        var services: [String: Int] = [:]
        for (name, groups) in targets.services {
            var unique = Set<String>()
            unique.reserveCapacity(groups.count)
            for group in groups { unique.formUnion(group.targets) }
            services[name] = unique.count
        }
        self.init(services: services, errors: targets.errors, held: targets.held)
    }
}

extension AssignmentBody {
    /// `assignment.summary`: the same assignment without the target groups (every count,
    /// version and movement figure kept).
    public var summary: AssignmentBody {
        var s = self
        for i in s.services.indices {
            for j in s.services[i].collectors.indices { s.services[i].collectors[j].groups = [] }
        }
        return s
    }
}
