import PromshardHashingEngine
import Testing

@Suite struct MovementAccountingTests {
    @Test func nothingChanged() {
        let map = ["t1": ["a"], "t2": ["b"]]
        #expect(MovementAccounting.measure(previous: map, current: map) == Movement(moved: 0, ideal: 0))
        #expect(MovementAccounting.measure(previous: [:], current: map) == Movement(moved: 0, ideal: 0))
    }

    @Test func collectorRemoved() {
        let previous = ["t1": ["a"], "t2": ["b"], "t3": ["c"], "t4": ["c"]]
        let current = ["t1": ["a"], "t2": ["b"], "t3": ["a"], "t4": ["b"]]
        #expect(
            MovementAccounting.measure(previous: previous, current: current) == Movement(moved: 2, ideal: 2))
    }

    @Test func collectorAddedWithExtraMoves() {
        // 4 targets, 1 → 2 collectors: ideal is b's fair share 2; a→b twice plus nothing else.
        let previous = ["t1": ["a"], "t2": ["a"], "t3": ["a"], "t4": ["a"]]
        let current = ["t1": ["a"], "t2": ["b"], "t3": ["b"], "t4": ["b"]]
        #expect(
            MovementAccounting.measure(previous: previous, current: current) == Movement(moved: 3, ideal: 2))
        let weighted = MovementAccounting.measure(previous: previous, current: current, weights: ["b": 3])
        #expect(weighted == Movement(moved: 3, ideal: 3))
    }

    @Test func onlyCommonTargetsCount() {
        let previous = ["t1": ["a"], "gone": ["a"]]
        let current = ["t1": ["b"], "new": ["a"]]
        // t1 moved a → b; a still exists, b is new with fair share 1/2 of 1 placement (rounds to 1... of 0.5).
        let movement = MovementAccounting.measure(previous: previous, current: current)
        #expect(movement.moved == 1)
    }

    @Test func replicasIncreaseMustMove() {
        let previous = ["t1": ["a"], "t2": ["b"]]
        let current = ["t1": ["a", "b"], "t2": ["b", "a"]]
        #expect(
            MovementAccounting.measure(previous: previous, current: current) == Movement(moved: 2, ideal: 2))
    }

    @Test func planAndDictionaryFormsAgree() {
        let targets = Sample.targets(5_000)
        for (before, after, replicas) in [(10, 11, 1), (10, 9, 1), (10, 12, 2), (30, 29, 3)] {
            let previous = RendezvousAssigner.assign(
                service: "svc", targetIDs: targets, nodes: Sample.collectors(before), replicas: replicas)
            let current = RendezvousAssigner.assign(
                service: "svc", targetIDs: targets, nodes: Sample.collectors(after), replicas: replicas)
            let fromPlans = MovementAccounting.measure(previous: previous, current: current)
            let fromMaps = MovementAccounting.measure(
                previous: previous.ownerLists(of: targets), current: current.ownerLists(of: targets))
            #expect(fromPlans == fromMaps)
            #expect(fromPlans.ideal > 0)
        }
    }

    @Test func ratio() {
        #expect(Movement(moved: 0, ideal: 0).ratioToIdeal == 1)
        #expect(Movement(moved: 3, ideal: 2).ratioToIdeal == 1.5)
        #expect(Movement(moved: 1, ideal: 0).ratioToIdeal == .infinity)
    }
}
