import PromshardHashingEngine
import Testing

/// Shuffling the collectors or the targets never changes which collectors own a target.
@Suite struct OrderIndependenceTests {
    static let policies: [Double?] = [nil, .infinity, 1.0, 1.05]

    @Test(arguments: policies, [1, 2])
    func shuffledInputsGiveTheSameOwners(factor: Double?, replicas: Int) {
        let targets = Sample.targets(6_000)
        let nodes = (0..<23).map { Sample.collector($0, weight: [1, 1, 2, 0.5][$0 % 4]) }
        let reference = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: factor)
        let expected = reference.owners(of: targets)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3 {
            let shuffledTargets = targets.shuffled(using: &rng)
            let shuffledNodes = nodes.shuffled(using: &rng)
            let plan = RendezvousAssigner.assign(
                service: "svc", targetIDs: shuffledTargets, nodes: shuffledNodes, replicas: replicas,
                maxLoadFactor: factor)
            #expect(plan.nodes == shuffledNodes)
            #expect(plan.owners(of: shuffledTargets) == expected)
        }
    }

    @Test func targetsByNodeAreAscendingAndMatchInputOrder() {
        let targets = Sample.targets(2_000)
        let nodes = Sample.collectors(9).reversed().map { $0 }
        let plan = RendezvousAssigner.assign(service: "svc", targetIDs: targets, nodes: nodes)
        #expect(plan.nodes == nodes)
        #expect(plan.targetsByNode.count == nodes.count)
        for list in plan.targetsByNode {
            #expect(list == list.sorted())
            #expect(Set(list).count == list.count)
        }
        #expect(plan.targetsByNode.joined().sorted() == Array(0..<targets.count))
    }

    @Test func serviceScopesTheHash() {
        let targets = Sample.targets(2_000)
        let nodes = Sample.collectors(10)
        let a = RendezvousAssigner.assign(
            service: "a", targetIDs: targets, nodes: nodes, maxLoadFactor: .infinity)
        let b = RendezvousAssigner.assign(
            service: "b", targetIDs: targets, nodes: nodes, maxLoadFactor: .infinity)
        let same = zip(
            a.owners(of: targets).sorted { $0.key < $1.key }, b.owners(of: targets).sorted { $0.key < $1.key }
        )
        .filter { $0.0.value == $0.1.value }.count
        #expect(same < 400)  // ~1/10 agree by chance
    }
}
