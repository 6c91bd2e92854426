import PromshardSupervisorCore
import Testing

struct RestartPolicyTests {
    let policy = RestartPolicy()

    @Test func backoffDoublesFromOneSecondToThirty() {
        var h = RestartPolicy.History()
        var delays: [Duration] = []
        let big = RestartPolicy(maxRestarts: 100, window: .seconds(1))
        for i in 0..<8 {
            if case .restart(let d) = big.onExit(now: .seconds(i * 100), ranFor: .seconds(1), history: &h) {
                delays.append(d)
            }
        }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
    }

    @Test func aChildThatRanCleanlyStartsOverAtTheInitialBackoff() {
        var h = RestartPolicy.History()
        _ = policy.onExit(now: .seconds(0), ranFor: .seconds(1), history: &h)
        _ = policy.onExit(now: .seconds(2), ranFor: .seconds(1), history: &h)
        #expect(
            policy.onExit(now: .seconds(100), ranFor: .seconds(90), history: &h)
                == .restart(after: .seconds(1)))
    }

    @Test func theSixthExitWithinTheWindowGivesUp() {
        var h = RestartPolicy.History()
        for i in 0..<5 {
            #expect(
                policy.onExit(now: .seconds(i), ranFor: .zero, history: &h) != .giveUp(restartsInWindow: 5))
        }
        #expect(policy.onExit(now: .seconds(10), ranFor: .zero, history: &h) == .giveUp(restartsInWindow: 5))
    }

    @Test func restartsOutsideTheWindowAreForgotten() {
        var h = RestartPolicy.History()
        for i in 0..<5 { _ = policy.onExit(now: .seconds(i), ranFor: .zero, history: &h) }
        if case .giveUp = policy.onExit(now: .seconds(70), ranFor: .zero, history: &h) {
            Issue.record("restarts older than the window should not count")
        }
    }
}
