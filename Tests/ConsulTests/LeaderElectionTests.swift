import PromshardConsul
import Testing

/// The session/lock state machine, without I/O.
@Suite struct LeaderElectionTests {
    let ttl: Duration = .seconds(10)

    @Test func createsASessionThenReadsTheKeyThenAcquiresAFreeLock() {
        var e = LeaderElection(ttl: ttl)
        #expect(e.next(at: .zero) == .createSession)
        e.sessionCreated("s1", at: .zero)
        #expect(e.next(at: .zero) == .watch(wait: .seconds(5)))
        e.observed(holder: nil, at: .seconds(1))
        #expect(e.next(at: .seconds(1)) == .acquire)
        e.acquired(true, at: .seconds(1))
        #expect(e.isLeader)
        #expect(e.next(at: .seconds(1)) == .watch(wait: .seconds(4)))
        #expect(e.next(at: .seconds(5)) == .renewSession)
    }

    @Test func aHeldLockIsWatchedNotAcquired() {
        var e = LeaderElection(ttl: ttl)
        e.sessionCreated("s1", at: .zero)
        e.observed(holder: "other", at: .zero)
        #expect(!e.isLeader)
        #expect(e.next(at: .zero) == .watch(wait: .seconds(5)))
    }

    @Test func aRefusedAcquireIsRetriedAfterADelay() {
        var e = LeaderElection(ttl: ttl, acquireRetry: .seconds(1))
        e.sessionCreated("s1", at: .zero)
        e.observed(holder: nil, at: .zero)
        e.acquired(false, at: .zero)  // lock-delay running
        #expect(e.next(at: .milliseconds(200)) == .watch(wait: .milliseconds(800)))
        #expect(e.next(at: .seconds(1)) == .acquire)
    }

    @Test func aRenewalAnswered404LosesLeadershipAtOnce() {
        var e = LeaderElection(ttl: ttl)
        e.sessionCreated("s1", at: .zero)
        e.observed(holder: nil, at: .zero)
        e.acquired(true, at: .zero)
        e.sessionInvalid()
        #expect(!e.isLeader)
        #expect(e.session == nil)
        #expect(e.next(at: .seconds(1)) == .createSession)
    }

    @Test func aLeaderThatCannotRenewStepsDownWhenTheTTLHasPassed() {
        var e = LeaderElection(ttl: ttl)
        e.sessionCreated("s1", at: .zero)
        e.observed(holder: "s1", at: .zero)
        #expect(e.isLeader)
        #expect(e.stepDownAt == .seconds(10))
        e.failed(at: .seconds(6))
        #expect(e.isLeader, "still within the TTL of the last renewal")
        e.failed(at: .seconds(10))
        #expect(!e.isLeader)
    }

    @Test func losingTheKeyToAnotherSessionStepsDown() {
        var e = LeaderElection(ttl: ttl)
        e.sessionCreated("s1", at: .zero)
        e.observed(holder: "s1", at: .zero)
        e.observed(holder: "s2", at: .seconds(1))
        #expect(!e.isLeader)
    }

    @Test func anAdoptedSessionIsRenewedBeforeAnythingElse() {
        var e = LeaderElection(ttl: ttl)
        e.adopt("old")
        #expect(e.next(at: .zero) == .renewSession)
        e.renewed(at: .zero)
        #expect(e.next(at: .zero) == .watch(wait: .seconds(5)))
        e.observed(holder: "old", at: .zero)
        #expect(e.isLeader, "a restarted discovery child keeps the lock it held")
    }
}
