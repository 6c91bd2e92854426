import PromshardConfig
import PromshardHashing
import PromshardProtocol
import Testing

struct AssignmentBuilderTests {
    func service(replicas: Int = 1) -> ServiceConfig {
        ServiceConfig(
            name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
            hashing: HashingSettings(replicas: replicas), dispatch: DispatchSettings(dest: "/tmp/x.json"))
    }

    func collectors(_ n: Int, healthy: Set<Int>? = nil) -> [CollectorState] {
        (0..<n).map { i in
            CollectorState(
                name: "c\(i):9090", address: "c\(i)", port: 9090, healthy: healthy?.contains(i) ?? true)
        }
    }

    let groups = [
        TargetGroup(targets: (0..<60).map { "10.0.0.\($0):9100" }, labels: ["env": "prod"]),
        TargetGroup(targets: (0..<40).map { "10.0.1.\($0):9100" }, labels: ["env": "dev"]),
    ]

    @Test func everyTargetLandsOnExactlyOneCollectorWithItsLabels() {
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(3), groups: groups, previous: nil)
        #expect(a.collectors.count == 3)
        #expect(a.targetCount == 100)
        let owners = AssignmentBuilder.owners(of: a)
        #expect(owners.count == 100)
        #expect(owners.values.allSatisfy { $0.count == 1 })
        for c in a.collectors {
            #expect(c.targetCount == c.groups.map(\.targets.count).reduce(0, +))
            for g in c.groups {
                let expected = g.targets.first!.hasPrefix("10.0.0.") ? "prod" : "dev"
                #expect(g.labels["env"] == expected)
            }
        }
    }

    @Test func relabellingDoesNotMoveTargets() {
        let relabelled = groups.map { TargetGroup(targets: $0.targets, labels: ["team": "other"]) }
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(4), groups: groups, previous: nil)
        let b = AssignmentBuilder.build(
            service: service(), collectors: collectors(4), groups: relabelled, previous: a)
        #expect(AssignmentBuilder.owners(of: a) == AssignmentBuilder.owners(of: b))
        #expect(b.moved == 0)
    }

    @Test func noHealthyCollectorKeepsThePreviousAssignment() {
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(3), groups: groups, previous: nil)
        let blink = AssignmentBuilder.build(
            service: service(), collectors: collectors(3, healthy: []), groups: groups, previous: a)
        #expect(blink.collectors == a.collectors)
        #expect(blink.keptPrevious != nil)
    }

    @Test func noHealthyCollectorAndNothingEarlierDispatchesNothing() {
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(2, healthy: []), groups: groups, previous: nil)
        #expect(a.collectors.isEmpty)
        #expect(a.keptPrevious?.contains("nothing to dispatch") == true)
    }

    @Test func losingACollectorMovesOnlyItsTargetsAndReportsIt() {
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(4), groups: groups, previous: nil)
        let b = AssignmentBuilder.build(
            service: service(), collectors: collectors(4, healthy: [0, 1, 2]), groups: groups, previous: a)
        let before = AssignmentBuilder.owners(of: a)
        let after = AssignmentBuilder.owners(of: b)
        let lost = before.filter { $0.value == ["c3:9090"] }.count
        for (target, owner) in before where owner != ["c3:9090"] { #expect(after[target] == owner) }
        #expect(b.moved == lost)
        #expect(b.idealMoved > 0)
    }

    @Test func replicasPlaceEachTargetOnDistinctCollectors() {
        let a = AssignmentBuilder.build(
            service: service(replicas: 2), collectors: collectors(3), groups: groups, previous: nil)
        #expect(a.replicas == 2)
        let owners = AssignmentBuilder.owners(of: a)
        #expect(owners.values.allSatisfy { $0.count == 2 && Set($0).count == 2 })
    }

    @Test func duplicateTargetsAcrossGroupsKeepOneOwner() {
        let dup = [
            TargetGroup(targets: ["a:1"], labels: ["x": "1"]),
            TargetGroup(targets: ["a:1"], labels: ["x": "2"]),
        ]
        let a = AssignmentBuilder.build(
            service: service(), collectors: collectors(5), groups: dup, previous: nil)
        let holders = a.collectors.filter { $0.targetCount > 0 }
        #expect(holders.count == 1)
        #expect(holders.first?.groups.count == 2)
    }
}
