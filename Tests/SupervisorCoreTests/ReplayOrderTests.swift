import PromshardProtocol
import PromshardSupervisorCore
import Testing

@Suite struct ReplayOrderTests {
    /// A retained topic missing from the replay order would never reach a child that connects
    /// after it was published (as `push.gateways` once did).
    @Test func everyRetainedTopicIsReplayed() {
        let retained = Topic.allCases.filter { $0.isRetained && $0 != .metrics }
        #expect(Set(retained) == Set(Router.replayOrder))
    }

    @Test func pushGatewaysReachALateSubscriber() throws {
        var router = Router()
        let line = try BusCodec.encode(
            Envelope(type: .pushGateways, from: .discovery, seq: 1, body: GatewaysBody(gateways: [])))
        _ = router.route(topic: .pushGateways, from: .discovery, line: line)
        #expect(router.hello(from: .push, subscribe: [.pushGateways]) == [line])
    }

    @Test func jobsRunningReachesALateHealthChild() throws {
        var router = Router()
        let body = JobsRunningBody(
            instance: "h:1", atMs: 1, workers: 4, unitsRunning: 0, queued: 0, running: 0, jobs: [])
        let line = try BusCodec.encode(Envelope(type: .jobsRunning, from: .jobs, seq: 1, body: body))
        #expect(router.accept(line, from: .jobs).map(\.type) == .success("jobs.running"))
        let decision = router.route(topic: .jobsRunning, from: .jobs, line: line)
        #expect(decision.retained)
        #expect(router.hello(from: .health, subscribe: [.jobsRunning, .status]) == [line])
    }
}
