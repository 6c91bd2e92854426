import PromshardConfig
import PromshardHashingEngine
import PromshardProtocol

/// Builds the assignment of one service from its healthy collectors and its
/// target groups, keeping the previous assignment where it can (the sticky
/// engine, `StickyAssigner`). Pure.
///
/// Target identity is the address (plus the service, inside the engine):
/// labels ride along and never move a target. Groups keep their labels; a
/// collector receives, per group, the subset of its targets it owns.
public enum AssignmentBuilder {
    /// Computes one service's assignment.
    ///
    /// With no healthy collector the previous assignment is kept (and says
    /// so): a discovery blink never empties the fleet.
    public static func build(
        service: ServiceConfig, collectors: [CollectorState], groups: [TargetGroup],
        previous: ServiceAssignment?
    ) -> ServiceAssignment {
        var memo = AssignmentMemo()
        return build(
            service: service, collectors: collectors, groups: groups, previous: previous, memo: &memo)
    }

    /// Like ``build(service:collectors:groups:previous:)``, reusing and updating `memo` (the
    /// target index while the groups are unchanged, the last plan for movement).
    public static func build(
        service: ServiceConfig, collectors: [CollectorState], groups: [TargetGroup],
        previous: ServiceAssignment?, memo: inout AssignmentMemo
    ) -> ServiceAssignment {
        let healthy = collectors.filter(\.healthy).sorted { $0.name < $1.name }
        let index = memo.index(for: groups)
        let ids = index.ids
        guard !healthy.isEmpty else {
            if var kept = previous, !kept.collectors.isEmpty {
                kept.keptPrevious = "no healthy collector: keeping the previous assignment"
                kept.moved = 0
                kept.idealMoved = 0
                return kept
            }
            return ServiceAssignment(
                service: service.name, collectors: [], targetCount: ids.count, replicas: 0, moved: 0,
                idealMoved: 0,
                keptPrevious: "no healthy collector and no earlier assignment: nothing to dispatch",
                warnings: ["no healthy collector"])
        }

        // The remembered plan is what `previous` was built from: read it by index, not by name.
        let last = memo.plan.flatMap { last in
            previous.map { Self.sameOwners($0, last.plan) } == true ? last : nil
        }
        let prior: PriorAssignment? =
            if let last { PriorAssignment(plan: last.plan, targetIDs: last.ids) } else {
                previous.map { PriorAssignment(owners: owners(of: $0)) }
            }
        let plan = StickyAssigner.assign(
            service: service.name, targetIDs: ids,
            nodes: healthy.map { HashNode(name: $0.name, weight: $0.weight, zone: $0.zone) },
            replicas: service.hashing.replicas, maxLoadFactor: service.hashing.maxLoadFactor,
            previous: prior)

        let perNode = GroupSplit.split(index: index, plan: plan)
        let collectorsOut = healthy.enumerated().map { i, c in
            CollectorAssignment(
                name: c.name, address: c.address, port: c.port, targetCount: plan.targetsByNode[i].count,
                groups: perNode[i])
        }
        var result = ServiceAssignment(
            service: service.name, collectors: collectorsOut, targetCount: ids.count, replicas: plan.replicas,
            moved: 0, idealMoved: 0, keptPrevious: nil, warnings: plan.warnings)
        if let prior, !prior.isEmpty {
            let movement: Movement
            if let last, last.ids == ids {
                // Same targets, same numbering: compare the plans directly.
                movement = MovementAccounting.measure(previous: last.plan, current: plan)
            } else {
                movement = MovementAccounting.measure(previous: prior.owners, current: owners(of: result))
            }
            result.moved = movement.moved
            result.idealMoved = movement.ideal
        }
        memo.plan = (ids, plan)
        return result
    }

    /// Whether the remembered plan is the one `previous` was built from (same collectors, same
    /// loads), so plan-based movement measures against what was really handed out.
    static func sameOwners(_ previous: ServiceAssignment, _ plan: AssignmentPlan) -> Bool {
        previous.collectors.map(\.name) == plan.nodes.map(\.name)
            && previous.collectors.map(\.targetCount) == plan.targetsByNode.map(\.count)
    }

    /// Owner names per target of an assignment.
    public static func owners(of assignment: ServiceAssignment) -> [String: [String]] {
        var map: [String: [String]] = [:]
        for collector in assignment.collectors {
            for group in collector.groups {
                for target in group.targets { map[target, default: []].append(collector.name) }
            }
        }
        return map
    }

    /// The assignment of every service, keeping the previous one per service
    /// where needed. `version` is bumped by the caller only when it changed.
    public static func buildAll(
        config: PromshardConfig, nodes: NodesBody, targets: TargetsBody, previous: AssignmentBody?
    ) -> [ServiceAssignment] {
        var memos: [String: AssignmentMemo] = [:]
        return buildAll(config: config, nodes: nodes, targets: targets, previous: previous, memos: &memos)
    }

    /// Like ``buildAll(config:nodes:targets:previous:)`` with a memo per service (kept by the
    /// hashing child between messages).
    public static func buildAll(
        config: PromshardConfig, nodes: NodesBody, targets: TargetsBody, previous: AssignmentBody?,
        memos: inout [String: AssignmentMemo]
    ) -> [ServiceAssignment] {
        memos = memos.filter { name, _ in config.services.contains { $0.name == name } }
        return config.services.map { service in
            build(
                service: service, collectors: nodes.services[service.name] ?? [],
                groups: targets.services[service.name] ?? [],
                previous: previous?.services.first { $0.service == service.name },
                memo: &memos[service.name, default: AssignmentMemo()])
        }
    }

    /// Whether two service lists describe the same placement (movement
    /// counters aside, which describe the transition, not the state).
    public static func samePlacement(_ a: [ServiceAssignment], _ b: [ServiceAssignment]) -> Bool {
        func strip(_ s: [ServiceAssignment]) -> [ServiceAssignment] {
            s.map {
                var c = $0
                c.moved = 0
                c.idealMoved = 0
                return c
            }
        }
        return strip(a) == strip(b)
    }
}
