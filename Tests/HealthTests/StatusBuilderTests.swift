import PromshardConfig
import PromshardHealth
import PromshardProtocol
import Testing

struct StatusBuilderTests {
    func builder(running: Bool = true, healthy: Bool = true, delivery: DeliveryStatus = .ok) -> StatusBuilder
    {
        var b = StatusBuilder()
        b.config = PromshardConfig(
            sourcePath: "/x.yaml", stateDir: "/var",
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: DispatchSettings(dest: "/d"))
            ])
        b.children = ChildrenBody(
            // The children of a config without `push:` or `jobs:` (the supervisor lists only those it runs).
            children: Role.children.filter { $0 != .push && $0 != .jobs }.map {
                ChildInfo(role: $0, pid: 1, running: running || $0 != .hashing, restarts: 0, startedMs: 0)
            })
        b.nodes = NodesBody(services: [
            "node": [CollectorState(name: "a:1", address: "a", port: 1, healthy: healthy)]
        ])
        b.targetCounts = TargetCountsBody(
            TargetsBody(services: [
                "node": [TargetGroup(targets: ["t:1", "t:2"]), TargetGroup(targets: ["t:1"])]
            ]))
        b.dispatch = DispatchResultBody(
            last: [
                "node": [
                    "a:1": DeliveryRecord(
                        service: "node", collector: "a:1", status: delivery, message: "", sha256: "",
                        assignmentVersion: 1,
                        attempt: 1, startedMs: 0, durationMs: 1, targetCount: 2)
                ]
            ], deliveredVersion: delivery == .ok ? 1 : nil)
        return b
    }

    @Test func allGoodIsHealthy() {
        let s = builder().build()
        #expect(s.healthy)
        #expect(s.childrenUp == 4)
        #expect(s.services.first?.targets == 2)
        #expect(s.services.first?.deliveriesOK == 1)
    }

    @Test func aStoppedChildIsUnhealthy() {
        let s = builder(running: false).build()
        #expect(!s.healthy)
        #expect(s.reasons.contains("child hashing is not running"))
    }

    @Test func aServiceWithoutHealthyCollectorsIsUnhealthy() {
        let s = builder(healthy: false).build()
        #expect(!s.healthy)
        #expect(s.reasons.contains { $0.contains("no healthy collector") })
    }

    @Test func aServiceWhoseDeliveriesAllFailIsUnhealthy() {
        let s = builder(delivery: .timeout).build()
        #expect(!s.healthy)
        #expect(s.reasons.contains { $0.contains("no successful delivery") })
    }
}

struct StatusBeforeDiscoveryTests {
    @Test func notHealthyBeforeTheFirstDiscoveryRound() {
        var b = StatusBuilderTests().builder()
        b.nodes = nil
        b.targetCounts = nil
        b.dispatch = nil
        let s = b.build()
        #expect(!s.healthy)
        #expect(s.reasons == ["waiting for the first discovery round"])
    }
}
