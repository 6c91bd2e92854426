import PromshardProtocol

/// The "Jobs" section of the status page: the store and this instance's
/// workers, and every queued or running job (`jobs.running`) with its units,
/// hosts by status, start, elapsed time, ETA and the units this instance
/// runs of it. Left out when `jobs:` is not configured.
public enum StatusJobsSection {
    struct Count {
        var status: String
        var count: Int
    }

    struct Job {
        var id: String
        var state: String
        var unitsDone: Int
        var units: Int
        var hostsDone: Int
        var hosts: Int
        var hostsPercent: String
        var counts: [Count]
        var started: String
        var elapsed: String
        var eta: String
        var here: Int
    }

    struct View {
        var store: String
        var workers: Int
        var unitsRunning: Int
        var instance: String?
        var queued: Int
        var running: Int
        var more: Bool
        var shown: Int
        var waiting: Bool
        var stale: String?
        var error: String?
        var jobs: [Job]
    }

    /// A body older than this while the page is rendered is marked as such
    /// (the jobs child refreshes it every 15 s at least).
    static let staleAfterMs: Int64 = 45_000

    /// Renders the section from the input's jobs settings and `jobs.running`.
    public static let render: StatusSectionRenderer = { input in
        guard let settings = input.jobs else { return nil }
        let body = input.jobsRunning
        let now = input.nowMs
        // Elapsed and ETA as of the page, not of the body: the clock ran since it was read.
        let since = max(0, now - (body?.atMs ?? now))
        let jobs = (body?.jobs ?? []).map { j in
            Job(
                id: j.id, state: j.state, unitsDone: j.unitsDone, units: j.units, hostsDone: j.hostsDone,
                hosts: j.hosts,
                hostsPercent: StatusPage.percent(Double(j.hostsDone), of: Double(max(1, j.hosts))),
                counts: j.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map {
                    Count(status: $0.key, count: $0.value)
                },
                started: j.started.map { StatusPage.ago($0, now: now) } ?? "not yet",
                elapsed: j.started == nil
                    ? "–" : StatusFleetSections.uptime(Int((j.elapsedMs + since) / 1000)),
                eta: j.etaMs.map { StatusFleetSections.uptime(Int(max(0, $0 - since) / 1000)) } ?? "–",
                here: j.unitsRunningHere)
        }
        let listed = body?.jobs.count ?? 0
        let view = View(
            store: settings.store, workers: body?.workers ?? settings.workers,
            unitsRunning: body?.unitsRunning ?? 0, instance: body?.instance,
            queued: body?.queued ?? 0, running: body?.running ?? 0,
            more: listed < (body.map { $0.queued + $0.running } ?? 0), shown: listed, waiting: body == nil,
            // A body with an error (the store cannot be opened) is not refreshed, and still true.
            stale: since > staleAfterMs && body?.error == nil
                ? StatusPage.ago(body?.atMs ?? now, now: now) : nil,
            error: body?.error, jobs: jobs)
        return StatusPageSection(id: "jobs", title: "Jobs", html: StatusTemplates.render("jobs", view))
    }
}
