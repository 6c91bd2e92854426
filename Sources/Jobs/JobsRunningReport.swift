import PromshardProtocol

/// Builds the `jobs.running` body from the store's active jobs and the
/// units this instance runs. Pure.
public enum JobsRunningReport {
    /// The body at `nowMs`: the oldest ``JobsRunningBody/maxJobs`` of
    /// `active` (the store's queued and running jobs, oldest first) with
    /// elapsed time and ETA as ``JobProgress`` computes them, and a count
    /// for every host status (0 included, so `/metrics` series do not come
    /// and go while a job runs).
    public static func body(
        active: [JobRecord], runningHere: [String: Int], instance: String, workers: Int, nowMs: Int64,
        error: String? = nil
    ) -> JobsRunningBody {
        let listed = active.filter { $0.state == .queued || $0.state == .running }
        let jobs = listed.prefix(JobsRunningBody.maxJobs).map { job in
            let progress = JobProgress(job, nowMs: nowMs)
            return JobsRunningBody.ActiveJob(
                id: job.id, state: job.state.rawValue, hosts: job.hosts,
                counts: Dictionary(
                    uniqueKeysWithValues: HostStatus.allCases.map {
                        ($0.rawValue, job.counts[$0.rawValue] ?? 0)
                    }),
                units: job.units,
                unitsDone: job.unitsDone, created: job.created, started: job.started,
                elapsedMs: progress.elapsedMs, etaMs: progress.etaMs,
                unitsRunningHere: runningHere[job.id] ?? 0)
        }
        return JobsRunningBody(
            instance: instance, atMs: nowMs, workers: workers,
            unitsRunning: runningHere.values.reduce(0, +),
            queued: listed.filter { $0.state == .queued }.count,
            running: listed.filter { $0.state == .running }.count, jobs: Array(jobs),
            error: error)
    }
}
