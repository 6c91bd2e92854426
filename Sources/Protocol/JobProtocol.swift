import Foundation

/// What a job runs on its hosts: an ansible module with its arguments
/// (adhoc) or a playbook file.
public struct JobTask: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case adhoc, playbook }
    public var kind: Kind
    /// `--module` (adhoc), e.g. `command`, `shell`, `ping`.
    public var module: String?
    /// `--args` (adhoc).
    public var args: String?
    /// `--playbook`: absolute path of the playbook file.
    public var playbook: String?

    public static func adhoc(module: String, args: String?) -> JobTask {
        JobTask(kind: .adhoc, module: module, args: args, playbook: nil)
    }
    public static func playbook(_ path: String) -> JobTask {
        JobTask(kind: .playbook, module: nil, args: nil, playbook: path)
    }
    public init(kind: Kind, module: String?, args: String?, playbook: String?) {
        self.kind = kind
        self.module = module
        self.args = args
        self.playbook = playbook
    }

    /// One line for tables: `command: echo hi` or `playbook site.yml`.
    public var summary: String {
        switch kind {
        case .adhoc: return "\(module ?? "?")" + ((args?.isEmpty ?? true) ? "" : ": \(args!)")
        case .playbook: return "playbook \((playbook ?? "?") as NSString).lastPathComponent"
        }
    }
}

/// The request of kind `"job"` a job executor reads on stdin for `run`
/// (protocol v1, see docs/PLUGINS.md): one unit of a job.
public struct JobRequest: Codable, Sendable, Equatable {
    public var `protocol`: Int = executorProtocolVersion
    /// Always `"job"`.
    public var kind: String = "job"
    /// The job's id and the unit's number within it.
    public var job: String
    public var unit: Int
    /// The hosts of the unit still without a result (addresses or names).
    public var hosts: [String]
    public var task: JobTask
    public var params: [String: JSONValue]
    public var deadlineMs: Int

    enum CodingKeys: String, CodingKey {
        case `protocol`, kind, job, unit, hosts, task, params
        case deadlineMs = "deadline_ms"
    }

    public init(
        job: String, unit: Int, hosts: [String], task: JobTask, params: [String: JSONValue], deadlineMs: Int
    ) {
        self.job = job
        self.unit = unit
        self.hosts = hosts
        self.task = task
        self.params = params
        self.deadlineMs = deadlineMs
    }
}

/// Task counts of one host in a playbook run (as ansible's recap has them).
public struct JobTaskCounts: Codable, Sendable, Equatable {
    public var ok: Int
    public var changed: Int
    public var failed: Int
    public var skipped: Int
    public var unreachable: Int
    public init(ok: Int = 0, changed: Int = 0, failed: Int = 0, skipped: Int = 0, unreachable: Int = 0) {
        self.ok = ok
        self.changed = changed
        self.failed = failed
        self.skipped = skipped
        self.unreachable = unreachable
    }
    /// Tasks that ran on the host (`ok` counts `changed` ones too, as in ansible's recap).
    public var total: Int { ok + failed + unreachable }
    /// ok tasks / all tasks, nil when none ran.
    public var successRate: Double? { total == 0 ? nil : Double(ok) / Double(total) }
}

/// One host's result line written by a job executor, before the final result line.
///
/// Only `host` and `status` are required; `status` is one of `ok`,
/// `changed`, `failed`, `unreachable` (an executor never writes the
/// engine's own `timeout`, `canceled`, `lost`: such a line is recorded `failed`).
public struct JobHostLine: Codable, Sendable, Equatable {
    public var host: String
    public var status: String
    public var rc: Int?
    public var stdout: String?
    public var stderr: String?
    public var msg: String?
    /// Unix milliseconds.
    public var started: Int64?
    public var finished: Int64?
    public var tasks: JobTaskCounts?

    public init(
        host: String, status: String, rc: Int? = nil, stdout: String? = nil, stderr: String? = nil,
        msg: String? = nil, started: Int64? = nil, finished: Int64? = nil, tasks: JobTaskCounts? = nil
    ) {
        self.host = host
        self.status = status
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.msg = msg
        self.started = started
        self.finished = finished
        self.tasks = tasks
    }
}
