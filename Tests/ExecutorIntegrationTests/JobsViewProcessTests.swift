import Foundation
import PromshardJobs
import PromshardTestSupport
import Testing

/// The running jobs as operators see them, on a real daemon: the "Jobs"
/// section of the status page, `/api/v1/status` and the `/metrics` series,
/// while a job runs (the gated runner holds it) and after it ended.
@Suite(.serialized)
struct JobsViewProcessTests {
    /// The value of one sample line of `/metrics` (`name{labels} value`), nil when absent.
    static func sample(_ metrics: String, _ series: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// The `<tr class="job" data-job="id">` row of the page, nil when absent.
    static func row(_ html: String, job: String) -> String? {
        guard let start = html.range(of: "<tr class=\"job\" data-job=\"\(job)\">") else { return nil }
        guard let end = html[start.upperBound...].range(of: "</tr>") else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func statusPageAndMetricsShowARunningJobAndDropItWhenItEnds() async throws {
        let daemon = try JobsDaemon(workers: 2, unitSize: 2)
        defer { daemon.stop() }
        #expect(await daemon.waitForHTTP(), "\(daemon.log)")
        // Before any job: the section is there, empty; the gauges are 0.
        let idle = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            daemon.get("/")?.body.contains("no job is queued or running") == true
        }
        #expect(idle, "\(daemon.get("/")?.body ?? "no answer")\n\(daemon.log)")

        let submit = try CLI.promshard([
            "job", "submit", "--config", daemon.config, "--hosts",
            "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6", "--module", "ping", "--id",
            "view1",
        ])
        #expect(submit.status == 0, "\(submit.stderr)")

        // Two workers run units 0 and 1; each reported its first host; unit 2 waits.
        var page = ""
        let running = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            page = daemon.get("/")?.body ?? ""
            guard let row = Self.row(page, job: "view1") else { return false }
            return row.contains("<td class=\"state\">running</td>")
                && row.contains("<span class=\"hosts\">2/6</span>")
                && row.contains("<td class=\"here\">2</td>")
        }
        #expect(running, "\(page)\n\(daemon.log)")
        let row = try #require(Self.row(page, job: "view1"))
        #expect(row.contains("<td class=\"units\">0/3</td>"), "\(row)")
        #expect(row.contains("data-status=\"ok\">ok 2</span>"), "\(row)")
        #expect(row.contains("data-status=\"pending\">pending 4</span>"), "\(row)")
        #expect(page.contains("<h2>Jobs</h2>") && page.contains("store <code>sqlite</code>"))
        #expect(page.contains("<span id=\"units-running\">2</span> of 2 units"), "\(page)")
        #expect(page.contains("<span id=\"jobs-running\">1</span> running"), "\(page)")

        // A real browser shows the same row (the page needs no JavaScript).
        let dom = try await HeadlessChromium.dumpDOM("http://127.0.0.1:\(daemon.httpPort)/")
        let domRow = Self.row(dom, job: "view1") ?? ""
        #expect(domRow.contains("<span class=\"hosts\">2/6</span>") && domRow.contains(">running<"), "\(dom)")

        var metrics = ""
        let counted = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            metrics = daemon.get("/metrics")?.body ?? ""
            return Self.sample(metrics, "promshard_jobs_units_running") == 2
                && Self.sample(metrics, "promshard_job_hosts{job=\"view1\",status=\"ok\"}") == 2
        }
        #expect(counted, "\(metrics)")
        #expect(Self.sample(metrics, "promshard_jobs_running") == 1)
        #expect(Self.sample(metrics, "promshard_jobs_queued") == 0)
        #expect(Self.sample(metrics, "promshard_job_hosts{job=\"view1\",status=\"pending\"}") == 4)
        #expect(Self.sample(metrics, "promshard_job_hosts{job=\"view1\",status=\"failed\"}") == 0)
        #expect(Self.sample(metrics, "promshard_job_units{job=\"view1\",state=\"done\"}") == 0)
        #expect(Self.sample(metrics, "promshard_job_units{job=\"view1\",state=\"pending\"}") == 3)
        #expect(Self.sample(metrics, "promshard_job_started_timestamp_seconds{job=\"view1\"}") != nil)
        #expect(metrics.contains("# TYPE promshard_job_hosts gauge"))

        // The same on /api/v1/status.
        let status = try #require(JobsDaemon.object(daemon.get("/api/v1/status")?.body ?? ""))
        let jobs = try #require(status["jobs"] as? [String: Any], "\(status)")
        let listed = try #require(jobs["jobs"] as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == ["view1"])
        #expect(listed.first?["unitsRunningHere"] as? Int == 2 && jobs["unitsRunning"] as? Int == 2)

        // The gate opens: the job ends, its row and its series go.
        try daemon.openGate()
        let ended = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            page = daemon.get("/")?.body ?? ""
            metrics = daemon.get("/metrics")?.body ?? ""
            return Self.row(page, job: "view1") == nil && page.contains("no job is queued or running")
                && !metrics.contains("job=\"view1\"")
                && Self.sample(metrics, "promshard_jobs_units_running") == 0
        }
        #expect(ended, "\(page)\n\(metrics)")
        #expect(Self.sample(metrics, "promshard_jobs_running") == 0)
        #expect(Self.sample(metrics, "promshard_jobs_units_total") == 3, "\(metrics)")
        #expect(page.contains("<span id=\"units-running\">0</span> of 2 units"))
        let done = try CLI.promshard(["job", "status", "view1", "--config", daemon.config, "--json"])
        let record = try JSONDecoder().decode(JobRecord.self, from: Data(done.stdout.utf8))
        #expect(record.state == .done && record.counts == ["ok": 6], "\(done.stdout)")
    }
}
