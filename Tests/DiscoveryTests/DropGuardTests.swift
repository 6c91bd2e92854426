import PromshardDiscovery
import PromshardProtocol
import Testing

@Suite("DropGuard: mass removals are held")
struct DropGuardTests {
    let policy = DropGuard.Policy(maxDrop: 0.5, hold: .seconds(120))
    let t0 = ContinuousClock.now

    /// `n` targets `prefix-0:9100`… in one group labelled `file`.
    func group(_ prefix: String, _ n: Int, file: String = "a.json") -> TargetGroup {
        TargetGroup(targets: (0..<n).map { "\(prefix)-\($0):9100" }, labels: ["file": file])
    }

    func distinct(_ groups: [TargetGroup]) -> Set<String> { Set(groups.flatMap(\.targets)) }

    /// The event's case name and its drop ("none" and nil without an event).
    func kind(_ event: DropGuard.Event?) -> (String, HeldDrop?) {
        switch event {
        case .held(let d): ("held", d)
        case .expired(let d): ("expired", d)
        case .confirmed(let d): ("confirmed", d)
        case .withdrawn(let d): ("withdrawn", d)
        case nil: ("none", nil)
        }
    }

    @Test func firstListAndSmallRemovalsPass() {
        var guardian = DropGuard()
        let all = [group("a", 10), group("b", 10, file: "b.json")]
        var (out, event) = guardian.filter("node", proposed: all, policy: policy, now: t0, wallMs: 0)
        #expect(out == all && event == nil)
        // 10 of 20 is exactly 50%: not more than max_drop.
        (out, event) = guardian.filter("node", proposed: [all[0]], policy: policy, now: t0, wallMs: 0)
        #expect(out == [all[0]] && event == nil)
        #expect(guardian.held.isEmpty)
        // Additions always pass.
        (out, event) = guardian.filter("node", proposed: all, policy: policy, now: t0, wallMs: 0)
        #expect(out == all && event == nil)
    }

    @Test func largeRemovalIsHeldKeepingTheRemovedTargetsWithTheirLabels() throws {
        var guardian = DropGuard()
        let a = group("a", 30)
        let b = group("b", 70, file: "b.json")
        _ = guardian.filter("node", proposed: [a, b], policy: policy, now: t0, wallMs: 1_000)
        let (out, event) = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 1_000)
        let drop = HeldDrop(
            service: "node", previous: 100, removed: 70, maxDrop: 0.5, sinceMs: 1_000, untilMs: 121_000)
        #expect(event == .held(drop))
        #expect(out == [a, b])
        #expect(guardian.held == [drop])
        #expect(guardian.nextExpiry == t0 + .seconds(120))
        #expect(drop.reason.contains("holding the removal of 70 of 100 targets (70% > targets.max_drop 50%)"))
        #expect(drop.reason.contains("2m") || drop.reason.contains("120s"))
    }

    @Test func additionsGoThroughWhileARemovalIsHeld() {
        var guardian = DropGuard()
        let a = group("a", 10)
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        let c = group("c", 3, file: "c.json")
        let (out, event) = guardian.filter("node", proposed: [c], policy: policy, now: t0, wallMs: 0)
        #expect(event != nil)
        #expect(distinct(out) == distinct([a, c]))
        #expect(out.first == c)
    }

    @Test func heldRemovalIsAppliedOnceItPersistedForDropHold() {
        var guardian = DropGuard()
        let a = group("a", 10)
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        _ = guardian.filter("node", proposed: [], policy: policy, now: t0, wallMs: 0)
        var (out, event) = guardian.filter(
            "node", proposed: [], policy: policy, now: t0 + .seconds(119), wallMs: 119_000)
        #expect(out == [a] && event == nil)
        (out, event) = guardian.filter(
            "node", proposed: [], policy: policy, now: t0 + .seconds(120), wallMs: 0)
        #expect(out == [])
        let (name, drop) = kind(event)
        #expect(name == "expired")
        #expect(drop?.removed == 10 && drop?.previous == 10)
        #expect(guardian.held.isEmpty && guardian.nextExpiry == nil)
        // The empty list is now the accepted one: adding targets back passes.
        (out, event) = guardian.filter(
            "node", proposed: [a], policy: policy, now: t0 + .seconds(121), wallMs: 0)
        #expect(out == [a] && event == nil)
    }

    @Test func confirmationAppliesAHeldRemovalAtOnce() {
        var guardian = DropGuard()
        let a = group("a", 10)
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        _ = guardian.filter("node", proposed: [], policy: policy, now: t0, wallMs: 0)
        guardian.confirm(services: ["node"])
        let (out, event) = guardian.filter(
            "node", proposed: [], policy: policy, now: t0 + .seconds(1), wallMs: 0)
        #expect(out == [])
        #expect(kind(event).0 == "confirmed")
        #expect(guardian.held.isEmpty)
    }

    @Test func confirmationAlsoCoversTheNextRoundOnly() {
        var guardian = DropGuard()
        let a = group("a", 10)
        let b = group("b", 10, file: "b.json")
        _ = guardian.filter("node", proposed: [a, b], policy: policy, now: t0, wallMs: 0)
        // SIGHUP right after the file was deleted, before the guard saw the removal.
        guardian.confirm(services: ["node"])
        var (out, event) = guardian.filter("node", proposed: [], policy: policy, now: t0, wallMs: 0)
        #expect(out == [])
        let (name, drop) = kind(event)
        #expect(name == "confirmed")
        #expect(drop?.removed == 20)
        // The confirmation is used up: the next large removal is held again.
        _ = guardian.filter("node", proposed: [a, b], policy: policy, now: t0, wallMs: 0)
        (out, event) = guardian.filter(
            "node", proposed: [b], policy: .init(maxDrop: 0.2, hold: .seconds(5)), now: t0, wallMs: 0)
        #expect(distinct(out) == distinct([a, b]))
        #expect(kind(event).0 == "held")
    }

    @Test func holdIsWithdrawnWhenTheTargetsComeBack() {
        var guardian = DropGuard()
        let a = group("a", 10)
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        _ = guardian.filter("node", proposed: [], policy: policy, now: t0, wallMs: 0)
        let (out, event) = guardian.filter(
            "node", proposed: [a], policy: policy, now: t0 + .seconds(5), wallMs: 0)
        #expect(out == [a])
        #expect(kind(event).0 == "withdrawn")
        #expect(guardian.held.isEmpty)
    }

    @Test func labelChangesAreNotRemovals() {
        var guardian = DropGuard()
        let a = group("a", 10)
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        let relabelled = TargetGroup(targets: a.targets, labels: ["file": "moved.json"])
        let (out, event) = guardian.filter("node", proposed: [relabelled], policy: policy, now: t0, wallMs: 0)
        #expect(out == [relabelled] && event == nil)
    }

    @Test func servicesAreGuardedSeparatelyAndMaxDropOneNeverHolds() {
        var guardian = DropGuard()
        let a = group("a", 10)
        let off = DropGuard.Policy(maxDrop: 1, hold: .seconds(120))
        _ = guardian.filter("node", proposed: [a], policy: policy, now: t0, wallMs: 0)
        _ = guardian.filter("blackbox", proposed: [a], policy: off, now: t0, wallMs: 0)
        let (kept, held) = guardian.filter("node", proposed: [], policy: policy, now: t0, wallMs: 0)
        let (dropped, none) = guardian.filter("blackbox", proposed: [], policy: off, now: t0, wallMs: 0)
        #expect(kept == [a] && held != nil)
        #expect(dropped == [] && none == nil)
        #expect(guardian.held.map(\.service) == ["node"])
        guardian.retain(services: ["blackbox"])
        #expect(guardian.held.isEmpty)
    }

    @Test func maxDropZeroHoldsAnyRemoval() {
        var guardian = DropGuard()
        let strict = DropGuard.Policy(maxDrop: 0, hold: .seconds(1))
        _ = guardian.filter("node", proposed: [group("a", 100)], policy: strict, now: t0, wallMs: 0)
        let (out, event) = guardian.filter(
            "node", proposed: [group("a", 99)], policy: strict, now: t0, wallMs: 0)
        #expect(out.flatMap(\.targets).count == 100)
        #expect(event != nil)
    }
}

@Suite("DropGuard: a restarted discovery child resumes from its last targets")
struct DropGuardResumeTests {
    let policy = DropGuard.Policy(maxDrop: 0.5, hold: .seconds(120))

    @Test func theReplayedTargetsAreTheBaseline() {
        var guardian = DropGuard()
        let all = TargetGroup(targets: (0..<10).map { "a-\($0):9100" })
        guardian.resume(from: ["node": [all]])
        // The first round after the restart lost the file: held, not applied.
        let (out, event) = guardian.filter("node", proposed: [], policy: policy, now: .now, wallMs: 0)
        #expect(out == [all])
        #expect(event != nil)
    }

    @Test func aReplayNeverOverridesWhatThisRunAccepted() {
        var guardian = DropGuard()
        let mine = TargetGroup(targets: ["b:1"])
        _ = guardian.filter("node", proposed: [mine], policy: policy, now: .now, wallMs: 0)
        guardian.resume(from: ["node": [TargetGroup(targets: ["x:1", "x:2", "x:3"])]])
        let (out, event) = guardian.filter("node", proposed: [mine], policy: policy, now: .now, wallMs: 0)
        #expect(out == [mine] && event == nil)
    }
}
