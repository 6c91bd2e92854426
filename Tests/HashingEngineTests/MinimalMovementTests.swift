import PromshardHashingEngine
import Testing

/// Without a load cap, a collector leaving moves only its own targets, and a collector joining
/// takes targets only for itself: nothing else moves.
@Suite struct MinimalMovementTests {
    @Test(arguments: [1, 2, 3])
    func removingACollectorMovesOnlyItsTargets(replicas: Int) {
        let targets = Sample.targets(8_000)
        let nodes = (0..<12).map { Sample.collector($0, weight: $0 % 3 == 0 ? 2 : 1) }
        let before = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: .infinity)
        for removed in [0, 5, 11] {
            var fewer = nodes
            let gone = fewer.remove(at: removed).name
            let after = RendezvousAssigner.assign(
                service: "svc", targetIDs: targets, nodes: fewer, replicas: replicas, maxLoadFactor: .infinity
            )
            let old = before.owners(of: targets)
            let new = after.owners(of: targets)
            for id in targets {
                if old[id]!.contains(gone) {
                    #expect(old[id]!.subtracting([gone]).isSubset(of: new[id]!), "kept owners stay for \(id)")
                    #expect(new[id]!.subtracting(old[id]!).count == 1)
                } else {
                    #expect(new[id] == old[id], "\(id) moved although \(gone) did not own it")
                }
            }
            let movement = MovementAccounting.measure(previous: before, current: after)
            #expect(movement.moved == before.targetsByNode[removed].count)
            #expect(movement.ideal == movement.moved)
        }
    }

    @Test(arguments: [1, 2])
    func addingACollectorMovesOnlyTargetsToIt(replicas: Int) {
        let targets = Sample.targets(8_000)
        let nodes = Sample.collectors(12)
        let newcomer = HashNode(name: "newcomer:9090", weight: 1.5)
        let before = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes, replicas: replicas, maxLoadFactor: .infinity)
        let after = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes + [newcomer], replicas: replicas,
            maxLoadFactor: .infinity)
        let old = before.owners(of: targets)
        let new = after.owners(of: targets)
        var gained = 0
        for id in targets where new[id] != old[id] {
            #expect(
                new[id]!.subtracting(old[id]!) == [newcomer.name], "\(id) moved elsewhere than the newcomer")
            #expect(old[id]!.subtracting(new[id]!).count == 1)
            gained += 1
        }
        #expect(gained == after.targetsByNode.last!.count)
        let movement = MovementAccounting.measure(previous: before, current: after)
        #expect(movement.moved == gained)
        // ideal = the newcomer's fair share 1.5/13.5 of the placements; it gets about that.
        #expect(movement.ideal == Int((Double(8_000 * replicas) * 1.5 / 13.5).rounded()))
        #expect(abs(movement.ratioToIdeal - 1) < 0.1)
    }

    @Test func defaultCapStaysCloseToIdeal() {
        // With the cap, extra moves are allowed but must stay small (docs/PERFORMANCE.md).
        let targets = Sample.targets(20_000)
        let nodes = Sample.collectors(20)
        let before = RendezvousAssigner.assign(service: "svc", targetIDs: targets, nodes: nodes)
        let grown = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: nodes + [Sample.collector(20)])
        let shrunk = RendezvousAssigner.assign(
            service: "svc", targetIDs: targets, nodes: Array(nodes.dropFirst()))
        #expect(MovementAccounting.measure(previous: before, current: grown).ratioToIdeal < 1.15)
        #expect(MovementAccounting.measure(previous: before, current: shrunk).ratioToIdeal < 1.15)
    }
}
