import Foundation
import GRDB
import PromshardProtocol

/// The default job store: one SQLite file (`<state_dir>/jobs.sqlite`, WAL
/// mode) that the daemon's `jobs` child and the `promshard job` CLI share.
/// Claims are serialized by SQLite's write lock, so one machine's instances
/// never claim a unit twice.
public final class SQLiteJobStore: JobStore {
    /// File name inside `state_dir`.
    public static let fileName = "jobs.sqlite"
    public let path: String
    private let pool: DatabasePool

    /// The store file of a state directory.
    public static func path(stateDir: String) -> String { "\(stateDir)/\(fileName)" }

    /// Opens (creating when needed) the database and applies the migrations.
    public init(path: String) throws(JobError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "promshard.jobs"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = SQLiteJobSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw JobError.store("\(path): its schema is newer than this promshard knows")
            }
            try migrator.migrate(pool)
        } catch {
            throw Self.wrap(error, "open \(path)")
        }
    }

    static func wrap(_ error: any Error, _ operation: String) -> JobError {
        if let error = error as? JobError { return error }
        if let error = error as? DatabaseError {
            return .store(
                "cannot \(operation): SQLite error \(error.resultCode.rawValue): \(error.message ?? "")")
        }
        return .store("cannot \(operation): \(error)")
    }

    private func write<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T)
        async throws(JobError) -> T
    {
        do { return try await pool.write(body) } catch { throw Self.wrap(error, operation) }
    }

    private func read<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T)
        async throws(JobError) -> T
    {
        do { return try await pool.read(body) } catch { throw Self.wrap(error, operation) }
    }

    // MARK: Writing

    public func submit(_ spec: JobSpec, nowMs: Int64) async throws(JobError) -> JobRecord {
        let spec = try spec.validated()
        let id = spec.id ?? JobSpec.generateID(nowMs: nowMs)
        let units = UnitPlanner.split(spec.hosts, unitSize: spec.unitSize)
        let task = JobCodec.encode(spec.task)
        try await write("submit job \(id)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM job WHERE id = ?", arguments: [id]) == true {
                throw JobError.duplicateID(id)
            }
            try db.execute(
                sql: """
                    INSERT INTO job (id, task, hosts, units, unit_size, timeout_ms, created_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, task, spec.hosts.count, units.count, spec.unitSize, spec.timeoutMs, nowMs])
            let seq = db.lastInsertedRowID
            let unitInsert = try db.makeStatement(
                sql: "INSERT INTO job_unit (job_seq, unit, state) VALUES (?, ?, 'queued')")
            let hostInsert = try db.makeStatement(
                sql:
                    "INSERT INTO job_host (job_seq, host, unit, position, status) VALUES (?, ?, ?, ?, 'pending')"
            )
            var position = 0
            for (unit, hosts) in units.enumerated() {
                try unitInsert.execute(arguments: [seq, unit])
                for host in hosts {
                    try hostInsert.execute(arguments: [seq, host, unit, position])
                    position += 1
                }
            }
        }
        guard let record = try await job(id) else { throw .notFound(id) }
        return record
    }

    public func claim(owner: String, limit: Int, leaseMs: Int64, nowMs: Int64) async throws(JobError)
        -> [ClaimedUnit]
    {
        guard limit > 0 else { return [] }
        return try await write("claim units") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT u.job_seq, u.unit, u.attempt, j.id, j.task, j.timeout_ms FROM job_unit u
                    JOIN job j ON j.seq = u.job_seq
                    WHERE u.state = 'queued' OR (u.state = 'running' AND u.lease_until_ms < ?)
                    ORDER BY u.job_seq, u.unit LIMIT ?
                    """, arguments: [nowMs, limit])
            var claimed: [ClaimedUnit] = []
            for row in rows {
                let seq: Int64 = row["job_seq"]
                let unit: Int = row["unit"]
                let attempt: Int = row["attempt"]
                if attempt >= maxUnitAttempts {
                    try Self.finishUnit(
                        db, seq: seq, unit: unit, leftover: .lost,
                        msg: "unit lost: its instance stopped renewing the lease \(attempt) times",
                        nowMs: nowMs)
                    continue
                }
                let token = UUID().uuidString
                try db.execute(
                    sql: """
                        UPDATE job_unit SET state = 'running', owner = ?, token = ?, lease_until_ms = ?,
                        attempt = attempt + 1 WHERE job_seq = ? AND unit = ?
                        """, arguments: [owner, token, nowMs + leaseMs, seq, unit])
                try db.execute(
                    sql: "UPDATE job SET started_ms = COALESCE(started_ms, ?) WHERE seq = ?",
                    arguments: [nowMs, seq])
                let hosts = try String.fetchAll(
                    db,
                    sql:
                        "SELECT host FROM job_host WHERE job_seq = ? AND unit = ? AND status = 'pending' ORDER BY position",
                    arguments: [seq, unit])
                let task = try JobCodec.decodeTask(row["task"])
                claimed.append(
                    ClaimedUnit(
                        job: row["id"], unit: unit, token: token, hosts: hosts, task: task,
                        timeoutMs: row["timeout_ms"], attempt: attempt + 1))
            }
            return claimed
        }
    }

    public func renew(_ unit: ClaimedUnit, leaseMs: Int64, nowMs: Int64) async throws(JobError) -> LeaseState
    {
        try await write("renew a lease") { db in
            try db.execute(
                sql: """
                    UPDATE job_unit SET lease_until_ms = ? WHERE job_seq = (SELECT seq FROM job WHERE id = ?)
                    AND unit = ? AND token = ? AND state = 'running'
                    """, arguments: [nowMs + leaseMs, unit.job, unit.unit, unit.token])
            if db.changesCount == 1 { return .held }
            let state = try String.fetchOne(
                db,
                sql:
                    "SELECT u.state FROM job_unit u JOIN job j ON j.seq = u.job_seq WHERE j.id = ? AND u.unit = ?",
                arguments: [unit.job, unit.unit])
            return state == UnitState.canceled.rawValue ? .canceled : .lost
        }
    }

    /// The job's seq when `unit`'s claim still holds, else nil.
    private static func heldSeq(_ db: Database, _ unit: ClaimedUnit) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT u.job_seq FROM job_unit u JOIN job j ON j.seq = u.job_seq
                WHERE j.id = ? AND u.unit = ? AND u.token = ? AND u.state = 'running'
                """, arguments: [unit.job, unit.unit, unit.token])
    }

    public func record(_ results: [HostResult], for unit: ClaimedUnit) async throws(JobError) -> Int {
        guard !results.isEmpty else { return 0 }
        return try await write("record results") { db in
            guard let seq = try Self.heldSeq(db, unit) else { return 0 }
            let update = try db.makeStatement(
                sql: """
                    UPDATE job_host SET status = ?, rc = ?, stdout = ?, stderr = ?, msg = ?, started_ms = ?,
                    finished_ms = ?, tasks = ? WHERE job_seq = ? AND host = ? AND unit = ? AND status = 'pending'
                    """)
            var accepted = 0
            for r in results where r.status.isFinal {
                try update.execute(arguments: [
                    r.status.rawValue, r.rc, r.stdout, r.stderr, r.msg, r.started, r.finished,
                    r.tasks.map(JobCodec.encode), seq, r.host, unit.unit,
                ])
                accepted += db.changesCount
            }
            return accepted
        }
    }

    public func finish(_ unit: ClaimedUnit, leftover: HostStatus, msg: String, nowMs: Int64)
        async throws(JobError)
        -> Int
    {
        try await write("finish a unit") { db in
            guard let seq = try Self.heldSeq(db, unit) else { return 0 }
            return try Self.finishUnit(
                db, seq: seq, unit: unit.unit, leftover: leftover, msg: msg, nowMs: nowMs)
        }
    }

    @discardableResult
    private static func finishUnit(
        _ db: Database, seq: Int64, unit: Int, leftover: HostStatus, msg: String, nowMs: Int64
    ) throws -> Int {
        try db.execute(
            sql: """
                UPDATE job_host SET status = ?, msg = ?, finished_ms = ?
                WHERE job_seq = ? AND unit = ? AND status = 'pending'
                """, arguments: [leftover.rawValue, msg, nowMs, seq, unit])
        let left = db.changesCount
        try db.execute(
            sql: "UPDATE job_unit SET state = 'done', lease_until_ms = NULL WHERE job_seq = ? AND unit = ?",
            arguments: [seq, unit])
        try db.execute(
            sql: """
                UPDATE job SET units_done = units_done + 1,
                finished_ms = CASE WHEN units_done + 1 >= units THEN ? ELSE finished_ms END WHERE seq = ?
                """, arguments: [nowMs, seq])
        return left
    }

    public func cancel(job id: String, nowMs: Int64) async throws(JobError) -> Bool {
        try await write("cancel job \(id)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT seq, canceled, units, units_done FROM job WHERE id = ?", arguments: [id])
            else { throw JobError.notFound(id) }
            let seq: Int64 = row["seq"]
            if (row["canceled"] as Int) != 0 || (row["units_done"] as Int) >= (row["units"] as Int) {
                return false
            }
            try db.execute(
                sql: "UPDATE job SET canceled = 1, finished_ms = ? WHERE seq = ?", arguments: [nowMs, seq])
            try db.execute(
                sql:
                    "UPDATE job_unit SET state = 'canceled' WHERE job_seq = ? AND state IN ('queued', 'running')",
                arguments: [seq])
            try db.execute(
                sql: """
                    UPDATE job_host SET status = 'canceled', msg = 'job canceled', finished_ms = ?
                    WHERE job_seq = ? AND status = 'pending'
                    """, arguments: [nowMs, seq])
            return true
        }
    }

    // MARK: Reading

    static let jobColumns =
        "seq, id, task, hosts, units, units_done, unit_size, timeout_ms, canceled, created_ms, started_ms, finished_ms"

    private static func record(_ db: Database, _ row: Row) throws -> JobRecord {
        let seq: Int64 = row["seq"]
        var counts: [String: Int] = [:]
        for c in try Row.fetchAll(
            db, sql: "SELECT status, COUNT(*) AS n FROM job_host WHERE job_seq = ? GROUP BY status",
            arguments: [seq])
        {
            counts[c["status"]] = c["n"]
        }
        let units: Int = row["units"]
        let unitsDone: Int = row["units_done"]
        let started: Int64? = row["started_ms"]
        return JobRecord(
            id: row["id"],
            state: JobState.derive(
                canceled: (row["canceled"] as Int) != 0, units: units, unitsDone: unitsDone,
                started: started != nil),
            task: try JobCodec.decodeTask(row["task"]), hosts: row["hosts"], counts: counts, units: units,
            unitsDone: unitsDone, unitSize: row["unit_size"], timeoutMs: row["timeout_ms"],
            created: row["created_ms"],
            started: started, finished: row["finished_ms"])
    }

    public func job(_ id: String) async throws(JobError) -> JobRecord? {
        try await read("read job \(id)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.jobColumns) FROM job WHERE id = ?", arguments: [id])
            else { return nil }
            return try Self.record(db, row)
        }
    }

    public func jobs(limit: Int) async throws(JobError) -> [JobRecord] {
        try await read("list jobs") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.jobColumns) FROM job ORDER BY seq DESC LIMIT ?", arguments: [limit]
            )
            .map { try Self.record(db, $0) }
        }
    }

    public func activeJobs() async throws(JobError) -> [JobRecord] {
        try await read("list active jobs") { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.jobColumns) FROM job WHERE canceled = 0 AND units_done < units ORDER BY seq"
            )
            .map { try Self.record(db, $0) }
        }
    }

    static let resultColumns =
        "j.id, h.host, h.status, h.rc, h.stdout, h.stderr, h.msg, h.unit, h.started_ms, h.finished_ms, h.tasks"

    private static func result(_ row: Row) throws -> HostResult {
        let tasks: String? = row["tasks"]
        return HostResult(
            job: row["id"], host: row["host"], status: HostStatus(rawValue: row["status"]) ?? .failed,
            rc: row["rc"],
            stdout: row["stdout"], stderr: row["stderr"], msg: row["msg"], unit: row["unit"],
            started: row["started_ms"], finished: row["finished_ms"],
            tasks: try tasks.map(JobCodec.decodeCounts))
    }

    public func results(job id: String, status: HostStatus?) async throws(JobError) -> [HostResult] {
        try await read("read results of \(id)") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM job WHERE id = ?", arguments: [id]) == true else {
                throw JobError.notFound(id)
            }
            var sql = """
                SELECT \(Self.resultColumns) FROM job_host h JOIN job j ON j.seq = h.job_seq
                WHERE j.id = ? AND h.status != 'pending'
                """
            var arguments: StatementArguments = [id]
            if let status {
                sql += " AND h.status = ?"
                arguments += [status.rawValue]
            }
            sql += " ORDER BY h.position"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.result)
        }
    }

    public func results(host: String, limit: Int) async throws(JobError) -> [HostResult] {
        try await read("read results of \(host)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.resultColumns) FROM job_host h JOIN job j ON j.seq = h.job_seq
                    WHERE h.host = ? AND h.status != 'pending' ORDER BY h.job_seq DESC LIMIT ?
                    """, arguments: [host, limit]
            ).map(Self.result)
        }
    }

    public func latest(hosts: [String]) async throws(JobError) -> [HostResult] {
        try await read("read latest results") { db in
            var out: [HostResult] = []
            for host in hosts {
                if let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(Self.resultColumns) FROM job_host h JOIN job j ON j.seq = h.job_seq
                        WHERE h.host = ? AND h.status != 'pending' ORDER BY h.job_seq DESC LIMIT 1
                        """, arguments: [host])
                {
                    out.append(try Self.result(row))
                }
            }
            return out
        }
    }

    /// SQLite's plan of the by-ip query (to check that it uses its index).
    public func queryPlan(host: String) async throws(JobError) -> String {
        try await read("explain") { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT \(Self.resultColumns) FROM job_host h JOIN job j ON j.seq = h.job_seq
                    WHERE h.host = ? AND h.status != 'pending' ORDER BY h.job_seq DESC LIMIT 10
                    """, arguments: [host]
            ).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }
}
