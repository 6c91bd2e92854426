import PromshardConfig
import Testing

@Suite("Durations")
struct DurationTests {
    @Test(
        "valid durations",
        arguments: [
            ("0", Duration.zero), ("0s", .zero), ("0ms", .zero), ("500ms", .milliseconds(500)),
            ("10s", .seconds(10)),
            ("2m", .seconds(120)), ("1h", .seconds(3600)), ("1d", .seconds(86400)),
            ("1w", .seconds(7 * 86400)),
            ("1y", .seconds(365 * 86400)), ("1m30s", .seconds(90)), ("1h30m", .seconds(5400)),
            ("1s500ms", .milliseconds(1500)), ("1d2h3m4s5ms", .milliseconds(93_784_005)),
            ("90s", .seconds(90)),
            ("007s", .seconds(7)),
        ])
    func parses(text: String, expected: Duration) {
        #expect(parseDuration(text) == expected)
    }

    @Test(
        "invalid durations",
        arguments: [
            "", " ", "10", "s", "-1s", "+1s", "1.5s", "10 s", " 10s", "10s ", "10S", "10x", "1s1m", "1m1m",
            "1ms1s",
            "ms", "1µs", "1ns", "abc", "10sec", "1h-30m", "99999999999999999999s", "9999999999999999y",
        ])
    func rejects(text: String) {
        #expect(parseDuration(text) == nil)
    }

    @Test(
        "formatting",
        arguments: [
            (Duration.zero, "0s"), (.milliseconds(500), "500ms"), (.seconds(10), "10s"),
            (.seconds(90), "1m30s"),
            (.seconds(120), "2m"), (.seconds(3600), "1h"), (.seconds(86400), "1d"),
            (.seconds(7 * 86400), "1w"),
            (.milliseconds(1500), "1s500ms"), (.seconds(-5), "-5s"), (.microseconds(1500), "1ms"),
        ])
    func formats(duration: Duration, expected: String) {
        #expect(formatDuration(duration) == expected)
    }

    @Test func roundTrips() {
        for ms: Int64 in [
            0, 1, 999, 1000, 59_999, 60_000, 3_600_001, 86_400_000, 1_234_567_890, 31_536_000_000,
        ] {
            let d = Duration.milliseconds(ms)
            #expect(parseDuration(formatDuration(d)) == d, "\(ms)ms")
        }
    }
}
