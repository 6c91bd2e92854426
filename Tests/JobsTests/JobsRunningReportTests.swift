import PromshardJobs
import PromshardProtocol
import Testing

/// The `jobs.running` body the jobs child publishes.
struct JobsRunningReportTests {
    static func record(_ id: String, state: JobState, started: Int64? = 1_000) -> JobRecord {
        JobRecord(
            id: id, state: state, task: .adhoc(module: "ping", args: nil), hosts: 4,
            counts: ["pending": 3, "ok": 1], units: 2, unitsDone: 0, unitSize: 2, timeoutMs: 1000, created: 0,
            started: started, finished: nil)
    }

    @Test func listsActiveJobsWithEveryStatusProgressAndUnitsHere() {
        let body = JobsRunningReport.body(
            active: [Self.record("a", state: .running), Self.record("b", state: .queued, started: nil)],
            runningHere: ["a": 2], instance: "h:1", workers: 4, nowMs: 5_000)
        #expect(body.instance == "h:1" && body.atMs == 5_000 && body.workers == 4 && body.unitsRunning == 2)
        #expect(body.running == 1 && body.queued == 1 && body.jobs.map(\.id) == ["a", "b"])
        let a = body.jobs[0]
        #expect(a.state == "running" && a.unitsRunningHere == 2 && a.hostsDone == 1)
        #expect(Set(a.counts.keys) == Set(HostStatus.allCases.map(\.rawValue)), "every status, 0 included")
        #expect(a.counts["ok"] == 1 && a.counts["pending"] == 3 && a.counts["failed"] == 0)
        // As JobProgress computes them: 4 s since the first claim, 1 of 4 hosts done.
        #expect(a.elapsedMs == 4_000 && a.etaMs == 12_000 && a.started == 1_000)
        #expect(body.jobs[1].unitsRunningHere == 0 && body.jobs[1].etaMs == nil)
    }

    @Test func boundedToTheOldestAndEndedJobsLeftOut() {
        let many = (0..<(JobsRunningBody.maxJobs + 7)).map { Self.record("j\($0)", state: .running) }
        let body = JobsRunningReport.body(
            active: many + [Self.record("old", state: .done)], runningHere: [:], instance: "h:1", workers: 1,
            nowMs: 2_000)
        #expect(body.jobs.count == JobsRunningBody.maxJobs && body.jobs.first?.id == "j0")
        #expect(body.running == JobsRunningBody.maxJobs + 7 && !body.jobs.contains { $0.id == "old" })
    }

    @Test func theClockAloneIsNoChange() {
        let one = JobsRunningReport.body(
            active: [Self.record("a", state: .running)], runningHere: ["a": 1], instance: "h:1", workers: 1,
            nowMs: 2_000)
        let later = JobsRunningReport.body(
            active: [Self.record("a", state: .running)], runningHere: ["a": 1], instance: "h:1", workers: 1,
            nowMs: 9_000)
        #expect(one != later && one.withoutClock == later.withoutClock)
        var result = Self.record("a", state: .running)
        result.counts = ["pending": 2, "ok": 2]
        let moved = JobsRunningReport.body(
            active: [result], runningHere: ["a": 1], instance: "h:1", workers: 1, nowMs: 9_000)
        #expect(moved.withoutClock != later.withoutClock)
    }

    @Test func unitsRunningHereCountsInAndOut() {
        let here = UnitsRunningHere()
        here.started(job: "a")
        here.started(job: "a")
        here.started(job: "b")
        here.ended(job: "b")
        let s = here.snapshot()
        #expect(s.perJob == ["a": 2] && s.version == 4)
        here.ended(job: "a")
        here.ended(job: "a")
        #expect(here.snapshot().perJob == [:])
    }
}
