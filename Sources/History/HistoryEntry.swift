import GRDB
import PromshardProtocol

/// One delivery attempt as stored in the history database: one row of the
/// `delivery_attempt` table.
public struct HistoryEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// Row id, increasing with insertion order; nil before the row is stored.
    public var id: Int64?
    public var service: String
    /// Collector name (`address:port`).
    public var collector: String
    /// `dispatch.executor` as configured (`file`, `scp`, `ansible` or a path).
    public var executor: String
    /// How the attempt ended.
    public var status: DeliveryStatus
    /// 1 for the first attempt of a content, 2 for the first retry, …
    public var attempt: Int
    /// Unix time in milliseconds when the attempt started.
    public var startedMs: Int64
    public var durationMs: Int64
    /// SHA-256 of the delivered content.
    public var sha256: String
    /// The executor's result message, or what went wrong.
    public var message: String
    /// The last ≤ 4 KiB of the executor's stderr, if it wrote any.
    public var stderrTail: String?
    /// Version of the assignment the content was rendered from.
    public var assignmentVersion: Int64
    /// Targets in the delivered file.
    public var targetCount: Int
    /// The attempt was `[]` to a collector known to be down: an expected part
    /// of a failover, retried quietly until the collector is back. Its
    /// `status` is what the executor answered (usually `failed`).
    public var deferred: Bool

    /// Name of the table.
    public static let databaseTableName = "delivery_attempt"

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, service, collector, executor, status, attempt, sha256, message, deferred
        case startedMs = "started_ms"
        case durationMs = "duration_ms"
        case stderrTail = "stderr_tail"
        case assignmentVersion = "assignment_version"
        case targetCount = "target_count"
    }

    public init(
        id: Int64? = nil, service: String, collector: String, executor: String, status: DeliveryStatus,
        attempt: Int, startedMs: Int64, durationMs: Int64, sha256: String, message: String,
        stderrTail: String? = nil, assignmentVersion: Int64, targetCount: Int, deferred: Bool = false
    ) {
        self.id = id
        self.service = service
        self.collector = collector
        self.executor = executor
        self.status = status
        self.attempt = attempt
        self.startedMs = startedMs
        self.durationMs = durationMs
        self.sha256 = sha256
        self.message = message
        self.stderrTail = stderrTail
        self.assignmentVersion = assignmentVersion
        self.targetCount = targetCount
        self.deferred = deferred
    }

    /// The row for a finished attempt, as the dispatch child records it.
    public init(record: DeliveryRecord, executor: String, deferred: Bool = false) {
        self.init(
            service: record.service, collector: record.collector, executor: executor, status: record.status,
            attempt: record.attempt, startedMs: record.startedMs, durationMs: record.durationMs,
            sha256: record.sha256, message: record.message, stderrTail: record.stderrTail,
            assignmentVersion: Int64(truncatingIfNeeded: record.assignmentVersion),
            targetCount: record.targetCount, deferred: deferred)
    }

    /// Picks up the row id after an insert.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
