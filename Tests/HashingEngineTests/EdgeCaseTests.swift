import PromshardHashingEngine
import Testing

@Suite struct EdgeCaseTests {
    @Test func noTargets() {
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: [], nodes: Sample.collectors(3), replicas: 2)
        #expect(plan.targetsByNode == [[], [], []])
        #expect(plan.replicas == 2)
        #expect(plan.warnings.isEmpty)
    }

    @Test func noCollectors() {
        let plan = RendezvousAssigner.assign(service: "svc", targetIDs: Sample.targets(5), nodes: [])
        #expect(plan.nodes.isEmpty)
        #expect(plan.targetsByNode.isEmpty)
        #expect(plan.replicas == 0)
        #expect(plan.warnings == ["no usable collector: 5 targets unassigned"])
        let empty = RendezvousAssigner.assign(service: "svc", targetIDs: [], nodes: [])
        #expect(empty.warnings.isEmpty)
        #expect(empty.replicas == 0)
    }

    @Test(arguments: [nil, Double.infinity, 1.0])
    func singleCollectorTakesEverything(factor: Double?) {
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: Sample.targets(100), nodes: [Sample.collector(0)],
            maxLoadFactor: factor)
        #expect(plan.targetsByNode == [Array(0..<100)])
        #expect(plan.replicas == 1)
        let replicated = RendezvousAssigner.assign(
            service: "svc", targetIDs: Sample.targets(10), nodes: [Sample.collector(0)], replicas: 2)
        #expect(replicated.replicas == 1)
        #expect(replicated.warnings == ["replicas 2 > 1 collector: each target on 1"])
    }

    @Test func unusableCollectorsGetNothing() {
        let nodes = [
            HashNode(name: "a"), HashNode(name: "zero", weight: 0), HashNode(name: "nan", weight: .nan),
            HashNode(name: "a", weight: 5), HashNode(name: "b"),
        ]
        let plan = RendezvousAssigner.assign(service: "svc", targetIDs: Sample.targets(1_000), nodes: nodes)
        #expect(plan.targetsByNode[1].isEmpty)
        #expect(plan.targetsByNode[2].isEmpty)
        #expect(plan.targetsByNode[3].isEmpty)
        #expect(plan.targetsByNode[0].count + plan.targetsByNode[4].count == 1_000)
        #expect(plan.warnings.count == 3)
    }

    @Test func invalidParametersAreCorrected() {
        let targets = Sample.targets(200)
        let nodes = Sample.collectors(4)
        let zero = RendezvousAssigner.assign(service: "svc", targetIDs: targets, nodes: nodes, replicas: 0)
        #expect(zero.replicas == 1)
        #expect(zero.warnings == ["replicas 0 < 1: using 1"])
        let low = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, maxLoadFactor: 0.5)
        #expect(low.warnings == ["max_load_factor 0.5 < 1: using 1"])
        #expect(low.loads.allSatisfy { $0 == 50 })
    }

    @Test(arguments: [nil, Double.infinity, 1.0])
    func duplicateTargetIDsShareOwners(factor: Double?) {
        let targets = Sample.targets(300) + Sample.targets(300)
        let plan = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Sample.collectors(6), replicas: 2,
            maxLoadFactor: factor)
        var owners = [[Int]](repeating: [], count: targets.count)
        for (n, list) in plan.targetsByNode.enumerated() {
            for t in list {
                owners[t].append(n)
            }
        }
        for t in 0..<300 {
            #expect(owners[t] == owners[t + 300])
            #expect(owners[t].count == 2)
        }
    }

    @Test func labelsAreNotPartOfTheIdentity() {
        // Identity is (service, address): the same addresses give the same owners whatever else changes.
        let nodes = Sample.collectors(5)
        let a = RendezvousAssigner.assign(service: "svc", targetIDs: ["x:1", "y:2", "z:3"], nodes: nodes)
        let b = RendezvousAssigner.assign(service: "svc", targetIDs: ["z:3", "x:1", "y:2"], nodes: nodes)
        #expect(a.owners(of: ["x:1", "y:2", "z:3"]) == b.owners(of: ["z:3", "x:1", "y:2"]))
    }
}
