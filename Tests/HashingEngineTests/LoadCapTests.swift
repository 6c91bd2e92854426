import PromshardHashingEngine
import Testing

/// No collector ever holds more than ceil(factor × fair share).
@Suite struct LoadCapTests {
    static func fairShares(_ plan: AssignmentPlan, targets: Int) -> [Double] {
        let total = plan.nodes.map(\.weight).reduce(0, +)
        return plan.nodes.map { Double(targets * plan.replicas) * $0.weight / total }
    }

    @Test(arguments: [1.0, 1.01, 1.05, 1.25], [1, 2])
    func capIsNeverExceeded(factor: Double, replicas: Int) {
        for (targetCount, collectors) in [(10_000, 10), (10_000, 100), (2_000, 300), (7, 5), (101, 10)] {
            let targets = Sample.targets(targetCount)
            let nodes = (0..<collectors).map { Sample.collector($0, weight: $0 % 5 == 0 ? 2 : 1) }
            let plan = RendezvousAssigner.assign(
                service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: factor)
            #expect(plan.warnings.isEmpty)
            for (n, fair) in Self.fairShares(plan, targets: targetCount).enumerated() {
                let cap = Int((factor * fair * (1 - 1e-12)).rounded(.up))
                #expect(
                    plan.targetsByNode[n].count <= cap,
                    "\(targetCount)×\(collectors) R=\(replicas): node \(n) has \(plan.targetsByNode[n].count) > \(cap)"
                )
            }
        }
    }

    @Test func defaultBalancesWithinThreePercent() {
        // 1,000 targets per collector: plain rendezvous reaches ~1.08 here.
        let targets = Sample.targets(50_000)
        let plan = RendezvousAssigner.assign(service: "svc", targetIDs: targets, nodes: Sample.collectors(50))
        #expect(plan.loads.max()! <= 1_030)
        let plain = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Sample.collectors(50), maxLoadFactor: .infinity)
        #expect(plain.loads.max()! > 1_030)
    }

    @Test func exactProductsAreNotRoundedUp() {
        let targets = Sample.targets(10_000)
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Sample.collectors(100), maxLoadFactor: 1.03)
        #expect(plan.loads.max()! <= 103)
    }

    @Test func perfectBalanceWithFactorOne() {
        let targets = Sample.targets(9_999)
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Sample.collectors(10), maxLoadFactor: 1)
        #expect(plan.loads.allSatisfy { $0 == 999 || $0 == 1_000 })
    }

    @Test func policyFactorsBelowOneMeanOne() {
        let targets = Sample.targets(1_000)
        let nodes = Sample.collectors(8)
        let low = RendezvousAssigner.assign(
            service: "s", targetIDs: targets, nodes: nodes, replicas: 1, loadCap: .factor(0.5))
        let adaptive = RendezvousAssigner.assign(
            service: "s", targetIDs: targets, nodes: nodes, replicas: 1,
            loadCap: .adaptive(factor: .nan, movementBudget: 0))
        #expect(low.warnings.isEmpty)
        #expect(low.loads.allSatisfy { $0 == 125 })
        #expect(adaptive.loads.allSatisfy { $0 == 125 })
    }

    @Test func policyDefaults() {
        #expect(LoadCapPolicy.standard == .adaptive(factor: 1.03, movementBudget: 0.045))
        #expect(RendezvousAssigner.defaultMaxLoadFactor == 1.03)
        let targets = Sample.targets(3_000)
        let nodes = Sample.collectors(7)
        let viaNil = RendezvousAssigner.assign(service: "s", targetIDs: targets, nodes: nodes)
        let viaPolicy = RendezvousAssigner.assign(
            service: "s", targetIDs: targets, nodes: nodes, replicas: 1, loadCap: .standard)
        #expect(viaNil.targetsByNode == viaPolicy.targetsByNode)
    }
}
