/// `jobs.running`: the jobs that are queued or running in the job store, as
/// this instance's `jobs` child sees them, with the units it runs itself.
///
/// Published (retained) by the jobs child when something other than the
/// clock changed, checked every 2 s and at once when one of its units starts
/// or ends, and at least every 15 s. Health shows it on the status page and
/// on `/metrics`.
public struct JobsRunningBody: Codable, Sendable, Equatable {
    /// This instance in the store (`host:pid`).
    public var instance: String
    /// Unix milliseconds when the store was read.
    public var atMs: Int64
    /// `jobs.workers`: units this instance runs at once at most.
    public var workers: Int
    /// Units this instance runs now (all jobs).
    public var unitsRunning: Int
    /// Jobs queued in the store (no unit claimed yet), also those past ``jobs``.
    public var queued: Int
    /// Jobs running in the store (a unit claimed, not all done), also those past ``jobs``.
    public var running: Int
    /// The oldest active jobs, at most ``maxJobs``, oldest first.
    public var jobs: [ActiveJob]
    /// Why the store could not be read, when it could not (never holds a password).
    public var error: String?

    /// Most jobs listed (and labelled on `/metrics`): bounds the body and the series.
    public static let maxJobs = 50

    public init(
        instance: String, atMs: Int64, workers: Int, unitsRunning: Int, queued: Int, running: Int,
        jobs: [ActiveJob],
        error: String? = nil
    ) {
        self.instance = instance
        self.atMs = atMs
        self.workers = workers
        self.unitsRunning = unitsRunning
        self.queued = queued
        self.running = running
        self.jobs = jobs
        self.error = error
    }

    /// One queued or running job.
    public struct ActiveJob: Codable, Sendable, Equatable {
        public var id: String
        /// `queued` or `running`.
        public var state: String
        public var hosts: Int
        /// Hosts per status, every status listed (0 when none), `pending` = no result yet.
        public var counts: [String: Int]
        public var units: Int
        public var unitsDone: Int
        /// Unix milliseconds.
        public var created: Int64
        /// Unix milliseconds of the first claim; nil while queued.
        public var started: Int64?
        /// From the first claim (or creation) to ``JobsRunningBody/atMs``.
        public var elapsedMs: Int64
        /// Estimated time left at ``JobsRunningBody/atMs``; nil before the first host result.
        public var etaMs: Int64?
        /// Units of this job this instance runs now.
        public var unitsRunningHere: Int

        public init(
            id: String, state: String, hosts: Int, counts: [String: Int], units: Int, unitsDone: Int,
            created: Int64, started: Int64?, elapsedMs: Int64, etaMs: Int64?, unitsRunningHere: Int
        ) {
            self.id = id
            self.state = state
            self.hosts = hosts
            self.counts = counts
            self.units = units
            self.unitsDone = unitsDone
            self.created = created
            self.started = started
            self.elapsedMs = elapsedMs
            self.etaMs = etaMs
            self.unitsRunningHere = unitsRunningHere
        }

        /// Hosts with a final result.
        public var hostsDone: Int { hosts - (counts["pending"] ?? 0) }
    }

    /// The body without what only the clock changes (`atMs`, elapsed, ETA):
    /// equal for two reads of the store between which nothing happened.
    public var withoutClock: JobsRunningBody {
        var b = self
        b.atMs = 0
        b.jobs = jobs.map {
            var j = $0
            j.elapsedMs = 0
            j.etaMs = nil
            return j
        }
        return b
    }
}
