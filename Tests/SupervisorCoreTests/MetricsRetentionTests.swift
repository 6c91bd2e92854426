import PromshardProtocol
import PromshardSupervisorCore
import Testing

/// `metrics` is retained per sender, so the health child gets every process's snapshot.
struct MetricsRetentionTests {
    static func line(_ role: Role, pid: Int32) throws -> [UInt8] {
        try BusCodec.encode(
            Envelope(
                type: .metrics, from: role, seq: 1,
                body: MetricsBody(role: role, pid: pid, startedMs: 0, families: [])))
    }

    @Test func eachSendersLastSnapshotIsReplayed() throws {
        var router = Router()
        _ = router.hello(from: .health, subscribe: [.config, .metrics])
        let hashing = try Self.line(.hashing, pid: 1)
        let decision = router.route(topic: .metrics, from: .hashing, line: hashing)
        #expect(decision.recipients == [.health])
        #expect(decision.retained)
        _ = router.route(topic: .metrics, from: .supervisor, line: try Self.line(.supervisor, pid: 2))
        let newer = try Self.line(.hashing, pid: 3)
        _ = router.route(topic: .metrics, from: .hashing, line: newer)
        let config = try BusCodec.encode(
            Envelope(type: .config, from: .supervisor, seq: 1, body: ShutdownBody(reason: "x")))
        _ = router.route(topic: .config, from: .supervisor, line: config)

        // A restarted health child: config first, then one snapshot per sender (the newest).
        let replay = router.hello(from: .health, subscribe: [.config, .metrics])
        #expect(replay == [config, try Self.line(.supervisor, pid: 2), newer])
        // A child that does not subscribe gets none; a sender does not get its own back.
        #expect(router.hello(from: .dispatch, subscribe: [.config]) == [config])
        #expect(router.hello(from: .hashing, subscribe: [.metrics]) == [try Self.line(.supervisor, pid: 2)])
    }
}
