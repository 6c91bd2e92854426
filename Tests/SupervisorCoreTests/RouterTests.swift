import PromshardProtocol
import PromshardSupervisorCore
import Testing

struct RouterTests {
    let line: [UInt8] = Array("x\n".utf8)

    @Test func forwardsToSubscribersButNotToTheSender() {
        var r = Router()
        _ = r.hello(from: .hashing, subscribe: [.nodes, .targets])
        _ = r.hello(from: .health, subscribe: [.nodes])
        _ = r.hello(from: .discovery, subscribe: [.config])
        let d = r.route(topic: .nodes, from: .discovery, line: line)
        #expect(d.recipients == [.hashing, .health])
        #expect(d.retained)
    }

    @Test func retainsStateTopicsAndReplaysThemInOrder() {
        var r = Router()
        _ = r.route(topic: .targets, from: .discovery, line: Array("t\n".utf8))
        _ = r.route(topic: .nodes, from: .discovery, line: Array("n\n".utf8))
        _ = r.route(topic: .config, from: .supervisor, line: Array("c\n".utf8))
        _ = r.route(topic: .nodes, from: .discovery, line: Array("n2\n".utf8))
        let replay = r.hello(from: .hashing, subscribe: [.targets, .nodes, .config])
        #expect(replay.map { String(decoding: $0, as: UTF8.self) } == ["c\n", "n2\n", "t\n"])
    }

    @Test func eventsAreNotRetained() {
        var r = Router()
        let d = r.route(topic: .shutdown, from: .supervisor, line: line)
        #expect(!d.retained)
        #expect(r.hello(from: .dispatch, subscribe: [.shutdown]).isEmpty)
    }

    @Test func aDisconnectedChildGetsNothingUntilItSaysHelloAgain() {
        var r = Router()
        _ = r.hello(from: .dispatch, subscribe: [.assignment])
        r.disconnect(.dispatch)
        #expect(r.route(topic: .assignment, from: .hashing, line: line).recipients.isEmpty)
        let replay = r.hello(from: .dispatch, subscribe: [.assignment])
        #expect(replay == [line])
    }

    @Test func dispatchResultsReplayBeforeTheAssignment() {
        var r = Router()
        _ = r.route(topic: .assignment, from: .hashing, line: Array("a\n".utf8))
        _ = r.route(topic: .dispatchResult, from: .dispatch, line: Array("d\n".utf8))
        let replay = r.hello(from: .dispatch, subscribe: [.assignment, .dispatchResult])
        #expect(replay.map { String(decoding: $0, as: UTF8.self) } == ["d\n", "a\n"])
    }
}

struct RouterAcceptTests {
    let router = Router()
    func line(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func acceptsAValidEnvelopeFromItsSender() throws {
        let header = try router.accept(
            line(#"{"v":1,"type":"nodes","from":"discovery","seq":3,"body":{}}"#), from: .discovery
        ).get()
        #expect(header.seq == 3)
    }

    @Test func invalidJSONIsRejectedAndTheNextLineStillRoutes() {
        var r = Router()
        _ = r.hello(from: .hashing, subscribe: [.nodes])
        guard case .failure(.invalid) = r.accept(line("{\"v\":1,\"type\":"), from: .discovery) else {
            Issue.record("truncated JSON accepted")
            return
        }
        let good = line(#"{"v":1,"type":"nodes","from":"discovery","seq":4,"body":{}}"#)
        #expect((try? r.accept(good, from: .discovery).get()) != nil)
        #expect(r.route(topic: .nodes, from: .discovery, line: good).recipients == [.hashing])
    }

    @Test func aChildCannotImpersonateAnotherOrTheSupervisor() {
        let forged = line(#"{"v":1,"type":"assignment","from":"hashing","seq":1,"body":{}}"#)
        #expect(router.accept(forged, from: .dispatch) == .failure(.impersonation(claimed: "hashing")))
        let config = line(#"{"v":1,"type":"config","from":"discovery","seq":1,"body":{}}"#)
        #expect(router.accept(config, from: .discovery) == .failure(.forbiddenTopic(.config)))
    }

    @Test func onlyDiscoveryHandsOverTheRemoteConfigAndItIsNeverRoutedOrRetained() {
        var r = Router()
        _ = r.hello(from: .health, subscribe: Topic.allCases)
        let fromDiscovery = line(#"{"v":1,"type":"config.remote","from":"discovery","seq":1,"body":{}}"#)
        #expect((try? r.accept(fromDiscovery, from: .discovery).get()) != nil)
        let decision = r.route(topic: .configRemote, from: .discovery, line: fromDiscovery)
        #expect(decision.retained == false)
        #expect(r.retainedLine(.configRemote) == nil)
        let fromDispatch = line(#"{"v":1,"type":"config.remote","from":"dispatch","seq":1,"body":{}}"#)
        #expect(r.accept(fromDispatch, from: .dispatch) == .failure(.forbiddenTopic(.configRemote)))
    }
}
