import PromshardConfig
import PromshardJobs
import PromshardProtocol
import Testing

/// The pure core: validation, splitting into units, statuses, states, progress.
struct JobCoreTests {
    @Test func splitsHostsIntoUnitsInOrder() {
        let hosts = (0..<41).map { "10.0.0.\($0)" }
        let units = UnitPlanner.split(hosts, unitSize: 10)
        #expect(units.map(\.count) == [10, 10, 10, 10, 1])
        #expect(units.flatMap { $0 } == hosts)
        #expect(UnitPlanner.split(["a"], unitSize: 30) == [["a"]])
        #expect(UnitPlanner.split([], unitSize: 3).isEmpty)
    }

    @Test func validationTrimsDeduplicatesAndRejectsBadInput() throws {
        let spec = JobSpec(
            hosts: [" a ", "b", "a", ""], task: .adhoc(module: "command", args: "id"), unitSize: 2,
            timeoutMs: 1000)
        #expect(try spec.validated().hosts == ["a", "b"])
        func invalid(_ spec: JobSpec) -> Bool {
            do {
                _ = try spec.validated()
                return false
            } catch { return true }
        }
        var bad = spec
        bad.hosts = []
        #expect(invalid(bad))
        bad = spec
        bad.hosts = ["a b"]
        #expect(invalid(bad))
        bad.hosts = ["-oProxyCommand=x"]
        #expect(invalid(bad))
        bad.hosts = ["a,b"]
        #expect(invalid(bad))
        bad = spec
        bad.id = "../x"
        #expect(invalid(bad))
        bad = spec
        bad.task = .adhoc(module: "", args: nil)
        #expect(invalid(bad))
        bad = spec
        bad.unitSize = 0
        #expect(invalid(bad))
        #expect(JobSpec.isValidHost("[::1]") && JobSpec.isValidHost("db-01.example.org"))
        #expect(JobSpec.isValidID(JobSpec.generateID(nowMs: 1_780_000_000_000)))
    }

    @Test func executorStatusesMapToFinalStatuses() {
        #expect(HostStatus.fromExecutor("ok") == .ok)
        #expect(HostStatus.fromExecutor("changed") == .changed)
        #expect(HostStatus.fromExecutor("unreachable") == .unreachable)
        // The engine's own statuses cannot be claimed by an executor.
        #expect(HostStatus.fromExecutor("timeout") == .failed)
        #expect(HostStatus.fromExecutor("canceled") == .failed)
        #expect(HostStatus.fromExecutor("weird") == .failed)
        #expect(!HostStatus.pending.isFinal && HostStatus.finals.allSatisfy(\.isFinal))
    }

    @Test func jobStateIsDerivedFromUnits() {
        #expect(JobState.derive(canceled: false, units: 3, unitsDone: 0, started: false) == .queued)
        #expect(JobState.derive(canceled: false, units: 3, unitsDone: 0, started: true) == .running)
        #expect(JobState.derive(canceled: false, units: 3, unitsDone: 3, started: true) == .done)
        #expect(JobState.derive(canceled: true, units: 3, unitsDone: 1, started: true) == .canceled)
    }

    @Test func hostLineBecomesAResultWithClippedTexts() {
        let line = JobHostLine(
            host: "h1", status: "changed", rc: 0, stdout: String(repeating: "x", count: 70_000),
            tasks: JobTaskCounts(ok: 3, changed: 1, failed: 1))
        let r = HostResult.from(line, job: "j", unit: 2, nowMs: 5)
        #expect(r.status == .changed && r.unit == 2 && r.finished == 5)
        #expect(r.stdout.hasSuffix("[cut]") && r.stdout.utf8.count < 70_000)
        #expect(r.successRate == 0.75)
        #expect(JobTaskCounts().successRate == nil)
    }

    @Test func progressHasCountsElapsedAndETA() {
        var job = JobRecord(
            id: "j", state: .running, task: .adhoc(module: "ping", args: nil), hosts: 40,
            counts: ["pending": 30, "ok": 9, "failed": 1], units: 4, unitsDone: 1, unitSize: 10,
            timeoutMs: 1000,
            created: 0, started: 1_000, finished: nil)
        let p = JobProgress(job, nowMs: 11_000)
        #expect(p.hostsDone == 10 && p.elapsedMs == 10_000 && p.etaMs == 30_000)
        #expect(p.line == "running units 1/4 hosts 10/40 ok=9 failed=1 elapsed 10s eta 30s")
        #expect(p.bar(width: 8).hasPrefix("[##------] "))
        job.state = .done
        job.finished = 21_000
        job.counts = ["ok": 40]
        job.unitsDone = 4
        let done = JobProgress(job, nowMs: 99_000)
        #expect(done.etaMs == nil && done.elapsedMs == 20_000 && done.countsText == "ok=40")
        #expect(JobProgress.format(185_000) == "3m05s" && JobProgress.format(3_720_000) == "1h02m")
    }

    @Test func storePasswordIsRedacted() {
        #expect(
            JobsSettings.redact("postgres://jobs:s3cret@127.0.0.1:5432/promshard")
                == "postgres://jobs:<redacted>@127.0.0.1:5432/promshard")
        #expect(JobsSettings.redact("sqlite") == "sqlite")
        #expect(JobsSettings.redact("postgres://jobs@h/db") == "postgres://jobs@h/db")
    }
}
