import PromshardHashingEngine
import Testing

/// One assignment of a sticky sequence: the inputs and the plan, with the owner sets per target.
struct StickyStep {
    var targets: [String]
    var nodes: [HashNode]
    var replicas: Int
    var plan: AssignmentPlan
    var owners: [String: Set<String>]

    init(targets: [String], nodes: [HashNode], replicas: Int, factor: Double? = nil, after prior: StickyStep?)
    {
        self.targets = targets
        self.nodes = nodes
        self.replicas = replicas
        plan = StickyAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: factor,
            previous: prior.map { PriorAssignment(plan: $0.plan, targetIDs: $0.targets) })
        owners = plan.owners(of: targets)
    }

    /// The fair share of node `n` (placements × weight / total weight; no replica clamping needed
    /// in the tests, which keep weights within a factor of 3 and replicas ≤ 2 with ≥ 4 nodes).
    func fair(_ name: String) -> Double {
        let total = nodes.reduce(0.0) { $0 + $1.weight }
        let weight = nodes.first { $0.name == name }!.weight
        return Double(Set(targets).count * plan.replicas) * weight / total
    }

    var loads: [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(plan.nodes.map(\.name), plan.loads))
    }
}

/// The rules of the sticky engine, checked between two consecutive steps.
enum StickyRules {
    /// Every target has `min(replicas, nodes)` distinct owners, all current nodes.
    static func complete(_ step: StickyStep, _ context: String) {
        let names = Set(step.nodes.map(\.name))
        let r = min(step.replicas, step.nodes.count)
        for id in step.targets {
            let owners = step.owners[id] ?? []
            #expect(owners.count == r && owners.isSubset(of: names), "\(context): \(id) has owners \(owners)")
        }
    }

    /// No node above `ceil(factor × fair share)` (plus the one spare slot with replicas).
    static func capped(_ step: StickyStep, factor: Double = 1, _ context: String) {
        for (name, load) in step.loads {
            let spare: Double = step.plan.replicas > 1 ? 1 : 0
            let cap = (factor * step.fair(name) * (1 - 1e-12)).rounded(.up) + spare
            #expect(Double(load) <= cap, "\(context): \(name) holds \(load) > cap \(cap)")
        }
    }

    /// A leave of `gone`: every surviving placement stays, only `gone`'s placements move.
    static func leave(_ before: StickyStep, _ after: StickyStep, gone: String, _ context: String) {
        var moved = 0
        for id in after.targets {
            guard let old = before.owners[id], let new = after.owners[id] else { continue }
            let kept = old.subtracting([gone])
            #expect(kept.isSubset(of: new), "\(context): \(id) moved from \(old) to \(new)")
            moved += new.subtracting(old).count
            #expect(new.subtracting(old).count == old.count - kept.count, "\(context): \(id) \(old) → \(new)")
        }
        #expect(moved <= before.loads[gone] ?? 0, "\(context)")
    }

    /// A join of `newcomer`: targets move only to it, at most 1.05 × its fair share + 2.
    static func join(_ before: StickyStep, _ after: StickyStep, newcomer: String, _ context: String) {
        var moved = 0
        for id in after.targets {
            guard let old = before.owners[id], let new = after.owners[id] else { continue }
            let gained = new.subtracting(old)
            #expect(gained.isSubset(of: [newcomer]), "\(context): \(id) moved from \(old) to \(new)")
            moved += gained.count
        }
        let bound = 1.05 * after.fair(newcomer) + 2
        #expect(Double(moved) <= bound, "\(context): \(moved) moved to \(newcomer), bound \(bound)")
    }

    /// Recomputing from its own result changes nothing.
    static func settled(_ step: StickyStep, factor: Double? = nil, _ context: String) {
        let again = StickyStep(
            targets: step.targets, nodes: step.nodes, replicas: step.replicas, factor: factor, after: step)
        #expect(again.owners == step.owners, "\(context): not a fixed point")
    }
}
