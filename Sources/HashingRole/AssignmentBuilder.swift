import PromshardConfig
import PromshardHashing
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
        let healthy = collectors.filter(\.healthy).sorted { $0.name < $1.name }
        var ids: [String] = []
        var index: [String: Int] = [:]
        for group in groups {
            for target in group.targets where index[target] == nil {
                index[target] = ids.count
                ids.append(target)
            }
        }
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

        let prior = previous.map { PriorAssignment(owners: owners(of: $0)) }
        let plan = StickyAssigner.assign(
            service: service.name, targetIDs: ids,
            nodes: healthy.map { HashNode(name: $0.name, weight: $0.weight, zone: $0.zone) },
            replicas: service.hashing.replicas, maxLoadFactor: service.hashing.maxLoadFactor,
            previous: prior)

        // owners[target] = node indices, to split the groups in one pass.
        var targetOwners = [[Int32]](repeating: [], count: ids.count)
        for (node, targets) in plan.targetsByNode.enumerated() {
            for t in targets { targetOwners[t].append(Int32(node)) }
        }
        var perNode = [[TargetGroup]](repeating: [], count: healthy.count)
        var counts = [Int](repeating: 0, count: healthy.count)
        for group in groups {
            var split = [[String]](repeating: [], count: healthy.count)
            var seen = Set<String>()
            for target in group.targets where seen.insert(target).inserted {
                for node in targetOwners[index[target]!] { split[Int(node)].append(target) }
            }
            for node in 0..<healthy.count where !split[node].isEmpty {
                perNode[node].append(TargetGroup(targets: split[node], labels: group.labels))
            }
        }
        for node in 0..<healthy.count { counts[node] = plan.targetsByNode[node].count }

        let collectorsOut = healthy.enumerated().map { i, c in
            CollectorAssignment(
                name: c.name, address: c.address, port: c.port, targetCount: counts[i], groups: perNode[i])
        }
        var result = ServiceAssignment(
            service: service.name, collectors: collectorsOut, targetCount: ids.count, replicas: plan.replicas,
            moved: 0, idealMoved: 0, keptPrevious: nil, warnings: plan.warnings)
        if let prior, !prior.isEmpty {
            let movement = MovementAccounting.measure(
                previous: prior.owners, current: owners(of: result))
            result.moved = movement.moved
            result.idealMoved = movement.ideal
        }
        return result
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
        config.services.map { service in
            build(
                service: service, collectors: nodes.services[service.name] ?? [],
                groups: targets.services[service.name] ?? [],
                previous: previous?.services.first { $0.service == service.name })
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
