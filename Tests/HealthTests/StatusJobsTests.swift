import PromshardConfig
import PromshardHealth
import PromshardProtocol
import Testing

/// The running jobs (`jobs.running`) on the status page, `/api/v1/status`
/// and `/metrics`.
struct StatusJobsTests {
    static func job(_ id: String, state: String = "running", here: Int = 1) -> JobsRunningBody.ActiveJob {
        JobsRunningBody.ActiveJob(
            id: id, state: state, hosts: 10,
            counts: [
                "pending": 6, "ok": 3, "failed": 1, "changed": 0, "unreachable": 0, "timeout": 0,
                "canceled": 0, "lost": 0,
            ],
            units: 5, unitsDone: 2, created: 0, started: state == "running" ? 10_000 : nil, elapsedMs: 20_000,
            etaMs: state == "running" ? 30_000 : nil, unitsRunningHere: here)
    }

    static func body(_ jobs: [JobsRunningBody.ActiveJob], atMs: Int64 = 30_000, error: String? = nil)
        -> JobsRunningBody
    {
        JobsRunningBody(
            instance: "host-a:42", atMs: atMs, workers: 4,
            unitsRunning: jobs.map(\.unitsRunningHere).reduce(0, +),
            queued: jobs.filter { $0.state == "queued" }.count,
            running: jobs.filter { $0.state == "running" }.count,
            jobs: jobs, error: error)
    }

    static func input(_ body: JobsRunningBody?, jobs: Bool = true, nowMs: Int64 = 35_000) -> StatusPageInput {
        StatusPageInput(
            document: StatusDocument(
                version: "1.0", healthy: true, ready: true, reasons: [], assignmentVersion: nil,
                deliveredVersion: nil, children: [], services: [], leader: nil, zabbix: nil),
            jobs: jobs ? .init(store: "postgres://promshard:<redacted>@db/jobs", workers: 4) : nil,
            jobsRunning: body, nowMs: nowMs)
    }

    static func model(jobs: Bool, body: JobsRunningBody?) -> HealthModel {
        var m = HealthModel(startedMs: 1_000)
        var config = PromshardConfig(sourcePath: "/x.yaml", stateDir: "/var", services: [])
        if jobs { config.jobs = JobsSettings() }
        m.builder.config = config
        m.jobsRunning = body
        return m
    }

    @Test func noSectionWithoutJobsConfigured() {
        let html = StatusPage().render(Self.input(Self.body([Self.job("a")]), jobs: false))
        #expect(!html.contains("<h2>Jobs</h2>") && !html.contains("data-job"))
    }

    @Test func everyActiveJobIsARowWithProgressAndTimes() {
        let html = StatusPage().render(
            Self.input(Self.body([Self.job("a", here: 2), Self.job("b", state: "queued", here: 0)])))
        #expect(html.contains("<h2>Jobs</h2>"))
        #expect(html.contains("store <code>postgres://promshard:&lt;redacted&gt;@db/jobs</code>"))
        #expect(html.contains("runs <span id=\"units-running\">2</span> of 4 units (host-a:42)"))
        #expect(
            html.contains(
                "<span id=\"jobs-running\">1</span> running, <span id=\"jobs-queued\">1</span> queued"))
        let a = try? #require(
            html.range(of: "data-job=\"a\"").map { String(html[$0.lowerBound...].prefix(1200)) })
        let row = a ?? ""
        for text in [
            "<td class=\"state\">running</td>", "<span class=\"hosts\">4/10</span>", "style=\"width: 40.0%\"",
            "data-status=\"ok\">ok 3</span>", "data-status=\"failed\">failed 1</span>",
            "data-status=\"pending\">pending 6</span>", "<td class=\"units\">2/5</td>",
            "<td>25 s ago</td>",
            // 20 s at the body's time + the 5 s since: 25 s; the ETA shrinks by those 5 s.
            "<td class=\"elapsed\">25 s</td>", "<td class=\"eta\">25 s</td>", "<td class=\"here\">2</td>",
        ] {
            #expect(row.contains(text), "missing \(text) in \(row)")
        }
        #expect(!row.contains("changed 0"), "statuses without hosts are not shown")
        #expect(html.contains("data-job=\"b\"><td>b</td><td class=\"state\">queued</td>"))
        #expect(html.contains("<td>not yet</td><td class=\"elapsed\">–</td><td class=\"eta\">–</td>"))
        #expect(!html.contains("no job is queued or running"))
    }

    @Test func waitingEmptyStaleAndErrorsAreSaidAndEscaped() {
        #expect(StatusPage().render(Self.input(nil)).contains("no word from the jobs child yet"))
        let empty = StatusPage().render(Self.input(Self.body([])))
        #expect(empty.contains("no job is queued or running") && !empty.contains("has not reported"))
        let stale = StatusPage().render(Self.input(Self.body([]), nowMs: 30_000 + 60_000))
        #expect(stale.contains("as of 60 s ago: the jobs child has not reported since"))
        let failed = StatusPage().render(Self.input(Self.body([], error: "job store: <locked>")))
        #expect(failed.contains("<p class=\"err\">job store: &lt;locked&gt;</p>"))
        let old = StatusPage().render(
            Self.input(Self.body([], error: "job store: x"), nowMs: 30_000 + 60_000))
        #expect(old.contains("job store: x") && !old.contains("has not reported"), "an error stays true")
        var many = Self.body([Self.job("a")])
        many.running = 80
        #expect(StatusPage().render(Self.input(many)).contains("(the oldest 1 listed)"))
    }

    @Test func metricsPerActiveJobAndNothingOnceItEnded() {
        func families(_ m: HealthModel) -> [String: MetricFamily] {
            Dictionary(m.metricFamilies(nowMs: 0).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let running = families(
            Self.model(jobs: true, body: Self.body([Self.job("a"), Self.job("b", state: "queued")])))
        #expect(running["promshard_jobs_running"]?.samples == [MetricSample(value: 1)])
        #expect(running["promshard_jobs_queued"]?.samples == [MetricSample(value: 1)])
        let hosts = running["promshard_job_hosts"]?.samples ?? []
        #expect(hosts.count == 16, "8 statuses for each of 2 jobs")
        #expect(hosts.contains(MetricSample(labels: ["job": "a", "status": "ok"], value: 3)))
        #expect(hosts.contains(MetricSample(labels: ["job": "a", "status": "pending"], value: 6)))
        #expect(hosts.contains(MetricSample(labels: ["job": "b", "status": "changed"], value: 0)))
        #expect(
            running["promshard_job_units"]?.samples == [
                MetricSample(labels: ["job": "a", "state": "done"], value: 2),
                MetricSample(labels: ["job": "a", "state": "pending"], value: 3),
                MetricSample(labels: ["job": "b", "state": "done"], value: 2),
                MetricSample(labels: ["job": "b", "state": "pending"], value: 3),
            ])
        #expect(
            running["promshard_job_started_timestamp_seconds"]?.samples == [
                MetricSample(labels: ["job": "a"], value: 10)
            ])
        #expect(running["promshard_job_hosts"]?.kind == .gauge)

        let ended = families(Self.model(jobs: true, body: Self.body([])))
        #expect(ended["promshard_jobs_running"]?.samples == [MetricSample(value: 0)])
        #expect(ended["promshard_job_hosts"]?.samples == [] && ended["promshard_job_units"]?.samples == [])

        let off = families(Self.model(jobs: false, body: Self.body([Self.job("a")])))
        #expect(off["promshard_jobs_running"] == nil && off["promshard_job_hosts"] == nil)
    }

    @Test func statusDocumentCarriesTheJobsOnlyWithJobsConfigured() {
        let body = Self.body([Self.job("a")])
        #expect(StatusDocument.make(model: Self.model(jobs: true, body: body), nowMs: 0).jobs == body)
        #expect(StatusDocument.make(model: Self.model(jobs: false, body: body), nowMs: 0).jobs == nil)
    }
}
