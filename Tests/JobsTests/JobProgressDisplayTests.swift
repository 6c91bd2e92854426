import PromshardJobs
import PromshardProtocol
import Testing

/// The pure rendering of `job submit --wait` / `job status --watch`: the
/// bar, its fit to the terminal's width, the ETA and what is written per look.
struct JobProgressDisplayTests {
    static func job(
        state: JobState = .running, hosts: Int = 40,
        counts: [String: Int] = ["pending": 30, "ok": 9, "failed": 1],
        unitsDone: Int = 1, started: Int64? = 1_000, finished: Int64? = nil
    ) -> JobRecord {
        JobRecord(
            id: "j", state: state, task: .adhoc(module: "ping", args: nil), hosts: hosts, counts: counts,
            units: 4, unitsDone: unitsDone, unitSize: 10, timeoutMs: 1000, created: 0, started: started,
            finished: finished)
    }

    @Test func etaIsElapsedPerHostTimesHostsLeft() {
        #expect(JobProgress(Self.job(), nowMs: 11_000).etaMs == 30_000)
        // No ETA before the first result, while queued, or once ended.
        #expect(JobProgress(Self.job(counts: ["pending": 40]), nowMs: 11_000).etaMs == nil)
        #expect(JobProgress(Self.job(state: .queued, started: nil), nowMs: 11_000).etaMs == nil)
        #expect(
            JobProgress(
                Self.job(state: .canceled, counts: ["ok": 9, "canceled": 31], finished: 5_000), nowMs: 9_000
            )
            .etaMs == nil)
        // Every host done but a unit not finished yet: nothing left to estimate.
        #expect(JobProgress(Self.job(counts: ["ok": 40], unitsDone: 3), nowMs: 11_000).etaMs == 0)
        // Queued: elapsed counts from creation.
        #expect(JobProgress(Self.job(state: .queued, started: nil), nowMs: 2_500).elapsedMs == 2_500)
    }

    @Test func barShowsPercentAndFillsByHostsDone() {
        let p = JobProgress(Self.job(), nowMs: 11_000)
        #expect(p.percent == 25)
        #expect(
            p.bar(width: 8)
                == "[##------]  25% running units 1/4 hosts 10/40 ok=9 failed=1 elapsed 10s eta 30s")
        #expect(p.bar(width: 1).hasPrefix("[-]  25% "))
        #expect(p.bar(width: 0).hasPrefix("[-] "), "a width below 1 is one cell, never a crash")
        let done = JobProgress(
            Self.job(state: .done, counts: ["ok": 40], unitsDone: 4, finished: 3_000), nowMs: 9_000)
        #expect(done.bar(width: 4) == "[####] 100% done units 4/4 hosts 40/40 ok=40 elapsed 2s")
        let none = JobProgress(
            Self.job(state: .done, hosts: 0, counts: [:], unitsDone: 4, finished: 1_000), nowMs: 0)
        #expect(none.percent == 100 && none.bar(width: 3).hasPrefix("[###] 100% "))
        let one = JobProgress(Self.job(hosts: 200, counts: ["pending": 199, "ok": 1]), nowMs: 2_000)
        #expect(one.bar(width: 10).hasPrefix("[----------]   0% "), "\(one.bar(width: 10))")
    }

    @Test func barFitsTheTerminalWidth() {
        let p = JobProgress(Self.job(), nowMs: 11_000)
        let text = p.bar(width: 8).dropFirst(11)  // after "[##------] "
        // Wide: the full 30 cells.
        let wide = p.bar(columns: 200)
        #expect(
            wide.hasPrefix("[" + String(repeating: "#", count: 7) + String(repeating: "-", count: 23) + "] "))
        #expect(wide.hasSuffix(text))
        // Narrower: the bar shrinks so the line is exactly columns - 1 wide.
        for columns in [90, 100, 110] {
            let line = p.bar(columns: columns)
            let cells = line.prefix { $0 != "]" }.count - 1
            #expect(line.count <= columns - 1, "\(columns): \(line)")
            #expect(cells >= JobProgress.minBarWidth && line.hasSuffix(text), "\(columns): \(line)")
            if cells < 30 { #expect(line.count == columns - 1, "\(columns): \(line)") }
        }
        // Too narrow even for the shortest bar: the text is cut with "...".
        let cut = p.bar(columns: 40)
        #expect(
            cut.count == 39 && cut.hasPrefix("[##--------]  25% running") && cut.hasSuffix("..."), "\(cut)")
        #expect(p.bar(columns: 3).count <= 3)
    }

    @Test func formatsDurations() {
        #expect(JobProgress.format(0) == "0ms" && JobProgress.format(999) == "999ms")
        #expect(JobProgress.format(1_000) == "1s" && JobProgress.format(59_999) == "59s")
        #expect(JobProgress.format(60_000) == "1m00s" && JobProgress.format(185_000) == "3m05s")
        #expect(JobProgress.format(3_600_000) == "1h00m" && JobProgress.format(3_720_000) == "1h02m")
    }

    @Test func terminalFramesRedrawInPlaceAndEndTheLineAtTheEnd() {
        var display = JobProgressDisplay(terminal: true, columns: 80)
        let running = JobProgress(Self.job(), nowMs: 11_000)
        let first = display.frame(running)
        #expect(first == "\r\u{1B}[2K" + running.bar(columns: 80))
        // The clock alone redraws on a terminal (elapsed and ETA move).
        #expect(display.frame(running) == first)
        let done = JobProgress(
            Self.job(state: .done, counts: ["ok": 40], unitsDone: 4, finished: 20_000), nowMs: 30_000)
        // The final frame keeps the bar as narrow as the running frames made it.
        let cells = min(running.barCells(columns: 80), done.barCells(columns: 80))
        #expect(display.frame(done) == "\r\u{1B}[2K" + done.bar(width: cells, columns: 80) + "\n")
        #expect(JobProgressDisplay(terminal: true, columns: 0).columns == 1)
    }

    @Test func theBarNeverGrowsBackWhileTheWidthStays() {
        var display = JobProgressDisplay(terminal: true, columns: 90)
        func cells(_ frame: String?) -> Int {
            (frame ?? "").dropFirst(JobProgressDisplay.redraw.count).prefix { $0 != "]" }.count - 1
        }
        let short = JobProgress(Self.job(), nowMs: 1_500)  // elapsed 500ms eta 1s
        let long = JobProgress(Self.job(), nowMs: 200_000)  // elapsed 3m19s eta 9m57s
        let a = cells(display.frame(short))
        let b = cells(display.frame(long))
        #expect(a == short.barCells(columns: 90) && b == long.barCells(columns: 90) && b < a, "\(a) \(b)")
        let again = display.frame(short)
        #expect(cells(again) == b && (again?.count ?? 0) <= 5 + 89, "no jump back to \(a)")
        // A new width fits the bar again.
        display.columns = 200
        #expect(cells(display.frame(short)) == 30)
    }

    @Test func plainLinesOnlyWhenSomethingButTheClockChanged() {
        var display = JobProgressDisplay(terminal: false)
        let a = JobProgress(Self.job(), nowMs: 11_000)
        #expect(display.frame(a) == a.line + "\n")
        #expect(display.frame(JobProgress(Self.job(), nowMs: 15_000)) == nil, "only the clock moved")
        let b = JobProgress(Self.job(counts: ["pending": 29, "ok": 10, "failed": 1]), nowMs: 16_000)
        #expect(display.frame(b) == b.line + "\n")
        let done = JobProgress(
            Self.job(state: .done, counts: ["ok": 39, "failed": 1], unitsDone: 4, finished: 20_000),
            nowMs: 30_000)
        let last = display.frame(done)
        #expect(last == "done units 4/4 hosts 40/40 ok=39 failed=1 elapsed 19s\n")
        #expect(last?.contains("\r") == false && last?.contains("\u{1B}") == false)
    }
}
