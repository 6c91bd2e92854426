import PromshardSupervisorCore
import Testing

struct LivenessTests {
    /// `tick` is mutating: called outside the `#expect` macro.
    func tick(_ l: inout Liveness, _ now: Duration) -> Liveness.Action { l.tick(now: now) }

    @Test func pingsAtOnceThenWaitsForTheAnswer() {
        var l = Liveness(timeout: .seconds(30))
        #expect(l.interval == .seconds(5))
        #expect(tick(&l, .seconds(0)) == .ping(1))
        #expect(tick(&l, .seconds(1)) == .wait)
        #expect(l.isWaiting)
        l.pong(id: 1)
        #expect(!l.isWaiting)
        // The next ping waits for the interval after the last one.
        #expect(tick(&l, .seconds(4)) == .wait)
        #expect(tick(&l, .seconds(5)) == .ping(2))
    }

    @Test func aChildThatDoesNotAnswerWithinTheTimeoutIsStuck() {
        var l = Liveness(timeout: .seconds(2))
        #expect(tick(&l, .seconds(10)) == .ping(1))
        #expect(tick(&l, .milliseconds(11_999)) == .wait)
        #expect(tick(&l, .seconds(12)) == .stuck(waited: .seconds(2)))
    }

    @Test func anOldOrUnknownPongDoesNotCountAsAnAnswer() {
        var l = Liveness(timeout: .seconds(3))
        #expect(tick(&l, .zero) == .ping(1))
        l.pong(id: 1)
        #expect(tick(&l, .seconds(1)) == .ping(2))
        l.pong(id: 1)
        l.pong(id: 7)
        #expect(l.isWaiting)
        #expect(tick(&l, .seconds(4)) == .stuck(waited: .seconds(3)))
    }

    @Test func aShortTimeoutPingsThreeTimesPerTimeout() {
        let l = Liveness(timeout: .seconds(3))
        #expect(l.interval == .seconds(1))
    }
}
