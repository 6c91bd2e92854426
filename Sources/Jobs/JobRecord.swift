import PromshardProtocol

/// A job as the store knows it, with its counts (the `job status` JSON).
public struct JobRecord: Codable, Sendable, Equatable {
    public var id: String
    public var state: JobState
    public var task: JobTask
    /// Number of hosts.
    public var hosts: Int
    /// Hosts per status; `pending` = no result yet.
    public var counts: [String: Int]
    public var units: Int
    public var unitsDone: Int
    public var unitSize: Int
    public var timeoutMs: Int
    /// Unix milliseconds.
    public var created: Int64
    public var started: Int64?
    public var finished: Int64?

    enum CodingKeys: String, CodingKey {
        case id, state, task, hosts, counts, units, created, started, finished
        case unitsDone = "units_done"
        case unitSize = "unit_size"
        case timeoutMs = "timeout_ms"
    }

    public init(
        id: String, state: JobState, task: JobTask, hosts: Int, counts: [String: Int], units: Int,
        unitsDone: Int, unitSize: Int, timeoutMs: Int, created: Int64, started: Int64?, finished: Int64?
    ) {
        self.id = id
        self.state = state
        self.task = task
        self.hosts = hosts
        self.counts = counts
        self.units = units
        self.unitsDone = unitsDone
        self.unitSize = unitSize
        self.timeoutMs = timeoutMs
        self.created = created
        self.started = started
        self.finished = finished
    }

    /// Hosts with a final result.
    public var hostsDone: Int { hosts - (counts[HostStatus.pending.rawValue] ?? 0) }
}

/// One host's row of a job: the `job results` / `job hosts` JSON.
public struct HostResult: Codable, Sendable, Equatable {
    public var job: String
    public var host: String
    public var status: HostStatus
    public var rc: Int?
    public var stdout: String
    public var stderr: String
    public var msg: String
    /// The unit (0-based) the host belongs to.
    public var unit: Int
    /// Unix milliseconds.
    public var started: Int64?
    public var finished: Int64?
    /// Per-task counts (playbooks).
    public var tasks: JobTaskCounts?

    public init(
        job: String, host: String, status: HostStatus, rc: Int? = nil, stdout: String = "",
        stderr: String = "", msg: String = "", unit: Int, started: Int64? = nil, finished: Int64? = nil,
        tasks: JobTaskCounts? = nil
    ) {
        self.job = job
        self.host = host
        self.status = status
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.msg = msg
        self.unit = unit
        self.started = started
        self.finished = finished
        self.tasks = tasks
    }

    /// ok tasks / all tasks (playbooks), nil without task counts.
    public var successRate: Double? { tasks?.successRate }

    /// Longest stdout/stderr/msg kept per host (the rest is cut, with a note).
    public static let maxTextBytes = 64 * 1024

    /// The result an executor's line gives for a host of `unit`, its texts
    /// cut to ``maxTextBytes``.
    public static func from(_ line: JobHostLine, job: String, unit: Int, nowMs: Int64) -> HostResult {
        HostResult(
            job: job, host: line.host, status: HostStatus.fromExecutor(line.status), rc: line.rc,
            stdout: clip(line.stdout ?? ""), stderr: clip(line.stderr ?? ""), msg: clip(line.msg ?? ""),
            unit: unit, started: line.started, finished: line.finished ?? nowMs, tasks: line.tasks)
    }

    static func clip(_ text: String) -> String {
        guard text.utf8.count > maxTextBytes else { return text }
        return String(decoding: Array(text.utf8.prefix(maxTextBytes)), as: UTF8.self) + "\n[cut]"
    }
}

/// A unit an instance has claimed: what to run and the token that proves the claim.
public struct ClaimedUnit: Sendable, Equatable {
    public var job: String
    public var unit: Int
    /// Random per claim: results and renewals of an older claim are refused.
    public var token: String
    /// The unit's hosts still `pending` (a taken-over unit skips hosts already done).
    public var hosts: [String]
    public var task: JobTask
    public var timeoutMs: Int
    /// 1 for the first claim, then one more per takeover.
    public var attempt: Int

    public init(
        job: String, unit: Int, token: String, hosts: [String], task: JobTask, timeoutMs: Int, attempt: Int
    ) {
        self.job = job
        self.unit = unit
        self.token = token
        self.hosts = hosts
        self.task = task
        self.timeoutMs = timeoutMs
        self.attempt = attempt
    }
}

/// What a renewal found.
public enum LeaseState: Sendable, Equatable {
    /// Still ours; the lease was extended.
    case held
    /// The job was canceled: stop the unit.
    case canceled
    /// Another instance holds the unit now (our lease had expired): stop, record nothing.
    case lost
}
