import PromshardHealth
import PromshardProtocol
import Testing

/// A removal held by `targets.max_drop` is a reason on the status.
struct HeldDropStatusTests {
    @Test func aHeldRemovalIsAReasonOfItsService() {
        var b = StatusBuilderTests().builder()
        #expect(b.build().healthy)
        b.targetCounts?.held = [
            HeldDrop(service: "node", previous: 40, removed: 30, maxDrop: 0.5, sinceMs: 0, untilMs: 120_000),
            HeldDrop(service: "gone", previous: 4, removed: 4, maxDrop: 0.5, sinceMs: 0, untilMs: 1_000),
        ]
        let s = b.build()
        #expect(!s.healthy)
        #expect(
            s.reasons == [
                "service node: holding the removal of 30 of 40 targets (75% > targets.max_drop 50%) for up to 120s; send SIGHUP to confirm it now"
            ])
    }
}
