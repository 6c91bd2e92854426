import PromshardConfig
import PromshardHealth
import PromshardProtocol
import Testing

/// The health child's decisions: liveness, readiness, delivery counting and
/// the status document.
struct HealthModelTests {
    static func record(_ collector: String, _ status: DeliveryStatus, started: Int64, duration: Int64 = 40)
        -> DeliveryRecord
    {
        DeliveryRecord(
            service: "node", collector: collector, status: status, message: "", sha256: "",
            assignmentVersion: 1,
            attempt: 1, startedMs: started, durationMs: duration, targetCount: 3)
    }

    static func model(running: Bool = true) -> HealthModel {
        var m = HealthModel(startedMs: 1_000)
        m.builder.config = PromshardConfig(
            sourcePath: "/x.yaml", stateDir: "/var",
            services: [
                ServiceConfig(
                    name: "node", collectors: CollectorsConfig(static: []), targets: TargetsConfig(),
                    dispatch: DispatchSettings(dest: "/d"))
            ])
        m.builder.children = ChildrenBody(
            // The children of a config without `push:` or `jobs:` (the supervisor lists only those it runs).
            children: Role.children.filter { $0 != .push && $0 != .jobs }.map {
                ChildInfo(role: $0, pid: 10, running: running || $0 != .dispatch, restarts: 0, startedMs: 0)
            })
        return m
    }

    @Test func livenessNeedsTheSupervisorsWordAndEveryChild() {
        #expect(HealthModel(startedMs: 0).liveness().ok == false)
        #expect(Self.model().liveness().ok)
        let down = Self.model(running: false).liveness()
        #expect(!down.ok)
        #expect(down.reasons == ["child dispatch is not running"])
    }

    @Test func readyOnceTheCurrentAssignmentWasDeliveredAndThenStaysReady() {
        var m = Self.model()
        #expect(m.readiness().ok == false)
        m.take(assignment: AssignmentBody(version: 1, services: []))
        #expect(m.readiness().ok == false)
        #expect(m.readiness().reason?.contains("not delivered") == true)
        m.builder.dispatch = DispatchResultBody(last: [:], deliveredVersion: 1)
        #expect(m.readiness().ok)
    }

    @Test func deliveriesAreCountedOncePerNewRecord() {
        var tracker = DeliveryTracker(startedMs: 1_000)
        // A record from before the health child started is a replay: not counted.
        tracker.update(
            DispatchResultBody(
                last: ["node": ["a": Self.record("a", .ok, started: 100)]], deliveredVersion: 1))
        #expect(tracker.counts.isEmpty)
        let second = Self.record("a", .timeout, started: 2_000, duration: 10_000)
        tracker.update(DispatchResultBody(last: ["node": ["a": second]], deliveredVersion: 1))
        // The same record again (another collector's delivery finished): not counted twice.
        tracker.update(
            DispatchResultBody(
                last: ["node": ["a": second, "b": Self.record("b", .ok, started: 3_000)]], deliveredVersion: 1
            ))
        #expect(tracker.counts[.init(service: "node", collector: "a", status: .timeout)] == 1)
        #expect(tracker.counts[.init(service: "node", collector: "b", status: .ok)] == 1)
        #expect(tracker.counts.values.reduce(0, +) == 2)
        #expect(tracker.timeouts["node"] == 1)
        let durations = tracker.durations["node"]
        #expect(durations?.count == 2)
        #expect(durations?.value == 10.04)
    }

    @Test func movementIsCountedOncePerVersionAndNotForAReplay() {
        func assignment(_ version: UInt64, moved: Int) -> AssignmentBody {
            AssignmentBody(
                version: version,
                services: [
                    ServiceAssignment(
                        service: "node", collectors: [], targetCount: 10, replicas: 1, moved: moved,
                        idealMoved: moved)
                ])
        }
        var m = Self.model()
        m.take(assignment: assignment(7, moved: 5))  // replayed after a restart of the health child
        m.take(assignment: assignment(8, moved: 3))
        m.take(assignment: assignment(8, moved: 3))
        let text = m.metricFamilies(nowMs: 0).first { $0.name == "promshard_assignment_moved_targets_total" }
        #expect(text?.samples.first?.value == 3)
    }

    @Test func theStatusDocumentHasChildrenServicesAndCollectors() {
        var m = Self.model()
        m.builder.nodes = NodesBody(services: [
            "node": [
                CollectorState(name: "a:1", address: "a", port: 1, healthy: true),
                CollectorState(name: "b:1", address: "b", port: 1, healthy: false, lastError: "refused"),
            ]
        ])
        m.take(
            assignment: AssignmentBody(
                version: 2,
                services: [
                    ServiceAssignment(
                        service: "node",
                        collectors: [
                            CollectorAssignment(
                                name: "a:1", address: "a", port: 1, targetCount: 4, groups: [])
                        ],
                        targetCount: 4, replicas: 1, moved: 0, idealMoved: 0)
                ]))
        m.builder.dispatch = DispatchResultBody(
            last: ["node": ["a:1": Self.record("a:1", .ok, started: 5_000)]], deliveredVersion: 2)
        m.leader = LeaderBody(enabled: true, isLeader: false, holder: "other")
        let doc = StatusDocument.make(model: m, nowMs: 10_000)
        #expect(doc.children.count == 4)
        #expect(doc.children[0].uptimeSeconds == 10)
        #expect(doc.ready)
        let service = doc.services[0]
        #expect(service.collectors.map(\.name) == ["a:1", "b:1"])
        #expect(service.collectors[0].targets == 4)
        #expect(service.collectors[0].lastDelivery?.status == .ok)
        #expect(service.collectors[1].lastError == "refused")
        #expect(service.collectors[1].lastDelivery == nil)
        #expect(doc.leader?.holder == "other")
    }
}
