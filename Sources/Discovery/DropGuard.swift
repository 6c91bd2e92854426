import PromshardProtocol

/// Guards every service against an accidental mass removal of targets
/// (`targets.max_drop`, `targets.drop_hold`). Pure: time comes in as
/// arguments.
///
/// A proposed target list that removes more than `maxDrop` of the distinct
/// targets last accepted for the service is *held*: the removed targets stay
/// (with their previous labels) beside the proposed ones, so additions still
/// go through. The removal is applied once it has persisted for `hold`, or
/// at once after ``confirm(services:)`` (an operator's SIGHUP). A proposal that no
/// longer removes too much (the file came back) ends the hold.
public struct DropGuard: Sendable {
    /// The limits of one service.
    public struct Policy: Sendable, Equatable {
        /// Largest share of targets one change may remove without a hold (1 = never held).
        public var maxDrop: Double
        /// How long a too-large removal must persist before it is applied.
        public var hold: Duration
        public init(maxDrop: Double, hold: Duration) {
            self.maxDrop = maxDrop
            self.hold = hold
        }
    }

    /// What happened to a service's targets in one ``filter(_:proposed:policy:now:wallMs:)``.
    public enum Event: Sendable, Equatable {
        /// A too-large removal started being held.
        case held(HeldDrop)
        /// The held removal was applied after `drop_hold`.
        case expired(HeldDrop)
        /// The held removal was applied because a SIGHUP confirmed it.
        case confirmed(HeldDrop)
        /// The targets came back (or the removal shrank below the limit): the hold ended.
        case withdrawn(HeldDrop)
    }

    private struct Hold: Sendable {
        var drop: HeldDrop
        var until: ContinuousClock.Instant
    }

    /// Per service: the targets last accepted (what the guard measures against).
    private var accepted: [String: [TargetGroup]] = [:]
    private var acceptedSet: [String: Set<String>] = [:]
    private var holds: [String: Hold] = [:]
    private var confirmedServices: Set<String> = []

    public init() {}

    /// The removals held now, by service name order.
    public var held: [HeldDrop] { holds.keys.sorted().compactMap { holds[$0]?.drop } }

    /// When the earliest hold expires, if any.
    public var nextExpiry: ContinuousClock.Instant? { holds.values.map(\.until).min() }

    /// Confirms the removals of `services` (an operator's SIGHUP): the next
    /// ``filter(_:proposed:policy:now:wallMs:)`` of each applies what it
    /// proposes, whether it was held already or is a new large removal.
    public mutating func confirm(services: Set<String>) {
        confirmedServices.formUnion(services)
    }

    /// Takes what an earlier run published as the accepted targets of every
    /// service that has none yet (a restarted discovery child measures
    /// removals against what hashing already has, not from nothing).
    public mutating func resume(from services: [String: [TargetGroup]]) {
        for (service, groups) in services where accepted[service] == nil {
            accept(service, groups, Self.distinct(groups))
        }
    }

    /// Forgets services that are no longer configured.
    public mutating func retain(services: Set<String>) {
        accepted = accepted.filter { services.contains($0.key) }
        acceptedSet = acceptedSet.filter { services.contains($0.key) }
        holds = holds.filter { services.contains($0.key) }
        confirmedServices.formIntersection(services)
    }

    /// Takes the targets proposed for `service` and returns what to publish,
    /// plus what changed about its hold (nil when nothing did).
    public mutating func filter(
        _ service: String, proposed: [TargetGroup], policy: Policy, now: ContinuousClock.Instant,
        wallMs: Int64
    ) -> (groups: [TargetGroup], event: Event?) {
        if holds[service] == nil, !confirmedServices.contains(service), accepted[service] == proposed {
            return (proposed, nil)
        }
        let proposedSet = Self.distinct(proposed)
        let previous = acceptedSet[service] ?? []
        let removed = previous.subtracting(proposedSet)
        let tooLarge = !previous.isEmpty && Double(removed.count) > policy.maxDrop * Double(previous.count)

        if let hold = holds[service] {
            let event: Event
            if confirmedServices.contains(service) {
                event = .confirmed(hold.drop)
            } else if !tooLarge {
                event = .withdrawn(hold.drop)
            } else if now >= hold.until {
                event = .expired(hold.drop)
            } else {
                var drop = hold.drop
                drop.removed = removed.count
                holds[service]?.drop = drop
                return (Self.keeping(removed, of: accepted[service] ?? [], beside: proposed), nil)
            }
            holds[service] = nil
            confirmedServices.remove(service)
            accept(service, proposed, proposedSet)
            return (proposed, event)
        }
        let confirmed = confirmedServices.remove(service) != nil
        let drop = HeldDrop(
            service: service, previous: previous.count, removed: removed.count, maxDrop: policy.maxDrop,
            sinceMs: wallMs, untilMs: wallMs + policy.hold.wholeMilliseconds)
        guard tooLarge, !confirmed else {
            accept(service, proposed, proposedSet)
            return (proposed, tooLarge ? .confirmed(drop) : nil)
        }
        holds[service] = Hold(drop: drop, until: now + policy.hold)
        return (Self.keeping(removed, of: accepted[service] ?? [], beside: proposed), .held(drop))
    }

    private mutating func accept(_ service: String, _ groups: [TargetGroup], _ set: Set<String>) {
        accepted[service] = groups
        acceptedSet[service] = set
    }

    /// Distinct target addresses of some groups.
    static func distinct(_ groups: [TargetGroup]) -> Set<String> {
        var out = Set<String>()
        for g in groups { out.formUnion(g.targets) }
        return out
    }

    /// `proposed` plus the groups of `previous` cut down to the `removed` targets.
    static func keeping(_ removed: Set<String>, of previous: [TargetGroup], beside proposed: [TargetGroup])
        -> [TargetGroup]
    {
        var out = proposed
        for group in previous {
            let kept = group.targets.filter { removed.contains($0) }
            if !kept.isEmpty { out.append(TargetGroup(targets: kept, labels: group.labels)) }
        }
        return out
    }
}
