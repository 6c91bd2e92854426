extension MetricsCatalog {
    // MARK: Recorded by the jobs child

    /// Jobs: units this instance runs now.
    public static let jobsUnitsRunning = Entry(
        name: "promshard_jobs_units_running", help: "Job units this instance runs now.")
    /// Jobs: units this instance ran to their end (finished, canceled, lease lost, store failed).
    public static let jobsUnits = Entry(
        name: "promshard_jobs_units_total", help: "Job units this instance ran to their end.")

    // MARK: Derived by the health child from `jobs.running`

    /// Jobs running in the store (a unit claimed, not all units done).
    public static let jobsRunning = Entry(
        name: "promshard_jobs_running", help: "Jobs running in the job store (some unit claimed, not done).")
    /// Jobs queued in the store (no unit claimed yet).
    public static let jobsQueued = Entry(
        name: "promshard_jobs_queued", help: "Jobs queued in the job store (no unit claimed yet).")
    /// Hosts of an active job by status (`pending` = no result yet).
    public static let jobHosts = Entry(
        name: "promshard_job_hosts",
        help: "Hosts of a queued or running job by status (pending: no result yet); gone when the job ends.")
    /// Units of an active job by state (`done`, `pending`).
    public static let jobUnits = Entry(
        name: "promshard_job_units",
        help: "Units of a queued or running job by state (done, pending); gone when the job ends.")
    /// When an active job's first unit was claimed.
    public static let jobStarted = Entry(
        name: "promshard_job_started_timestamp_seconds",
        help: "When a running job's first unit was claimed, in seconds since the Unix epoch.")

    /// The jobs entries, for ``all``.
    static let jobsEntries: [Entry] = [
        jobsUnitsRunning, jobsUnits, jobsRunning, jobsQueued, jobHosts, jobUnits, jobStarted,
    ]
}
