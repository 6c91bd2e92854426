import PromshardHashingEngine
import Testing

@Suite struct ReplicaAndWeightTests {
    @Test(arguments: [nil, Double.infinity, 1.02], [1, 2, 3, 5])
    func replicasAreDistinctAndComplete(factor: Double?, replicas: Int) {
        let targets = Sample.targets(3_000)
        let nodes = (0..<8).map { Sample.collector($0, weight: $0 < 2 ? 3 : 1) }
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: factor)
        #expect(plan.replicas == replicas)
        #expect(plan.warnings.isEmpty)
        var count = [Int](repeating: 0, count: targets.count)
        for list in plan.targetsByNode {
            #expect(Set(list).count == list.count, "a node holds a target twice")
            for t in list {
                count[t] += 1
            }
        }
        #expect(count.allSatisfy { $0 == replicas })
    }

    @Test func moreReplicasThanCollectorsIsReported() {
        let targets = Sample.targets(500)
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Sample.collectors(2), replicas: 3)
        #expect(plan.replicas == 2)
        #expect(plan.warnings == ["replicas 3 > 2 collectors: each target on 2"])
        #expect(plan.targetsByNode.allSatisfy { $0 == Array(0..<500) })
    }

    @Test(arguments: [1, 2])
    func weightsGiveProportionalShares(replicas: Int) {
        let targets = Sample.targets(40_000)
        let weights: [Double] = [1, 1, 2, 2, 4, 0.5, 3.25]
        let nodes = weights.enumerated().map { Sample.collector($0.offset, weight: $0.element) }
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: .infinity)
        let total = weights.reduce(0, +)
        for (n, weight) in weights.enumerated() {
            // With replicas > 1 heavy nodes are limited to one copy per target, so only check R = 1 strictly.
            let expected = Double(targets.count) * weight / total
            let got = Double(plan.targetsByNode[n].count) / Double(replicas)
            let sigma = expected.squareRoot()
            if replicas == 1 {
                #expect(
                    abs(got - expected) < 4 * sigma + 1, "node \(n) weight \(weight): \(got) vs \(expected)")
            } else {
                #expect(
                    abs(got - expected) / expected < 0.25, "node \(n) weight \(weight): \(got) vs \(expected)"
                )
            }
        }
    }

    @Test func weightedSharesUnderTheCap() {
        let targets = Sample.targets(30_000)
        let weights: [Double] = [1, 2, 3, 4]
        let nodes = weights.enumerated().map { Sample.collector($0.offset, weight: $0.element) }
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, maxLoadFactor: 1.01)
        for (n, weight) in weights.enumerated() {
            let share = Double(plan.targetsByNode[n].count) / Double(targets.count)
            #expect(abs(share - weight / 10) < 0.01)
        }
    }
}
