import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    public func submit(_ spec: JobSpec, nowMs: Int64) async throws(JobError) -> JobRecord {
        let spec = try spec.validated()
        let id = spec.id ?? JobSpec.generateID(nowMs: nowMs)
        let units = UnitPlanner.split(spec.hosts, unitSize: spec.unitSize)
        let task = JobCodec.encode(spec.task)
        var hosts: [String] = []
        var unitOfHost: [Int] = []
        hosts.reserveCapacity(spec.hosts.count)
        unitOfHost.reserveCapacity(spec.hosts.count)
        for (unit, members) in units.enumerated() {
            hosts += members
            unitOfHost += Array(repeating: unit, count: members.count)
        }
        let (hostList, unitList) = (hosts, unitOfHost)
        let logger = self.logger
        let (hostCount, unitCount, unitSize, timeoutMs) = (
            spec.hosts.count, units.count, spec.unitSize, spec.timeoutMs
        )
        try await transaction("submit job \(id)") { db in
            let seq = try await db.query(
                """
                INSERT INTO promshard_job (id, task, hosts, units, unit_size, timeout_ms, created_ms)
                VALUES (\(id), \(task), \(hostCount), \(unitCount), \(unitSize), \(timeoutMs), \(nowMs))
                ON CONFLICT (id) DO NOTHING RETURNING seq
                """, logger: logger
            ).all(Int64.self).first
            guard let seq else { throw JobError.duplicateID(id) }
            try await db.query(
                """
                INSERT INTO promshard_job_unit (job_seq, unit, state)
                SELECT \(seq), g, 'queued' FROM generate_series(0, \(unitCount - 1)) AS g
                """, logger: logger)
            // Positions are 0-based in submission order (WITH ORDINALITY counts from 1).
            try await db.query(
                """
                INSERT INTO promshard_job_host (job_seq, host, unit, position, status)
                SELECT \(seq), t.host, t.unit, t.ord - 1, 'pending'
                FROM unnest(\(hostList)::text[], \(unitList)::bigint[]) WITH ORDINALITY AS t(host, unit, ord)
                """, logger: logger)
        }
        guard let record = try await job(id) else { throw .notFound(id) }
        return record
    }

    public func claim(owner: String, limit: Int, leaseMs: Int64, nowMs: Int64) async throws(JobError)
        -> [ClaimedUnit]
    {
        guard limit > 0 else { return [] }
        let logger = self.logger
        return try await transaction("claim units") { db in
            let rows = try await db.query(
                """
                SELECT u.job_seq, u.unit, u.attempt, j.id, j.task, j.timeout_ms
                FROM promshard_job_unit u JOIN promshard_job j ON j.seq = u.job_seq
                WHERE u.state IN ('queued', 'running')
                  AND (u.state = 'queued' OR u.lease_until_ms < \(nowMs))
                ORDER BY u.job_seq, u.unit LIMIT \(limit)
                FOR UPDATE OF u SKIP LOCKED
                """, logger: logger
            ).all((Int64, Int, Int, String, String, Int).self)
            var claimed: [ClaimedUnit] = []
            for (seq, unit, attempt, id, task, timeoutMs) in rows {
                if attempt >= maxUnitAttempts {
                    try await Self.finishUnit(
                        db, seq: seq, unit: unit, leftover: .lost,
                        msg: "unit lost: its instance stopped renewing the lease \(attempt) times",
                        nowMs: nowMs, logger: logger)
                    continue
                }
                let token = UUID().uuidString
                try await db.query(
                    """
                    UPDATE promshard_job_unit SET state = 'running', owner = \(owner), token = \(token),
                    lease_until_ms = \(nowMs + leaseMs), attempt = attempt + 1
                    WHERE job_seq = \(seq) AND unit = \(unit)
                    """, logger: logger)
                try await db.query(
                    "UPDATE promshard_job SET started_ms = \(nowMs) WHERE seq = \(seq) AND started_ms IS NULL",
                    logger: logger)
                let hosts = try await db.query(
                    """
                    SELECT host FROM promshard_job_host
                    WHERE job_seq = \(seq) AND unit = \(unit) AND status = 'pending' ORDER BY position
                    """, logger: logger
                ).all(String.self)
                claimed.append(
                    ClaimedUnit(
                        job: id, unit: unit, token: token, hosts: hosts, task: try JobCodec.decodeTask(task),
                        timeoutMs: timeoutMs, attempt: attempt + 1))
            }
            return claimed
        }
    }

    public func renew(_ unit: ClaimedUnit, leaseMs: Int64, nowMs: Int64) async throws(JobError) -> LeaseState
    {
        let logger = self.logger
        return try await run("renew a lease") { db in
            let held = try await db.query(
                """
                UPDATE promshard_job_unit SET lease_until_ms = \(nowMs + leaseMs)
                WHERE job_seq = (SELECT seq FROM promshard_job WHERE id = \(unit.job))
                  AND unit = \(unit.unit) AND token = \(unit.token) AND state = 'running'
                RETURNING 1
                """, logger: logger
            ).all(Int.self)
            if held.count == 1 { return .held }
            let state = try await db.query(
                """
                SELECT u.state FROM promshard_job_unit u JOIN promshard_job j ON j.seq = u.job_seq
                WHERE j.id = \(unit.job) AND u.unit = \(unit.unit)
                """, logger: logger
            ).all(String.self).first
            return state == UnitState.canceled.rawValue ? .canceled : .lost
        }
    }

    /// One host line of ``record(_:for:)``, as `jsonb_to_recordset` reads it.
    struct ResultRow: Encodable {
        var host, status, stdout, stderr, msg: String
        var rc: Int?
        var started, finished: Int64?
        var tasks: String?
    }

    public func record(_ results: [HostResult], for unit: ClaimedUnit) async throws(JobError) -> Int {
        let rows = results.filter(\.status.isFinal).map {
            ResultRow(
                host: $0.host, status: $0.status.rawValue, stdout: $0.stdout, stderr: $0.stderr, msg: $0.msg,
                rc: $0.rc, started: $0.started, finished: $0.finished, tasks: $0.tasks.map(JobCodec.encode))
        }
        guard !rows.isEmpty else { return 0 }
        let batch = JobCodec.encode(rows)
        let logger = self.logger
        // One statement: the claim must hold (FOR SHARE keeps a takeover out
        // until it committed), and only pending rows of this unit change.
        return try await run("record results") { db in
            try await db.query(
                """
                WITH held AS (
                  SELECT u.job_seq FROM promshard_job_unit u JOIN promshard_job j ON j.seq = u.job_seq
                  WHERE j.id = \(unit.job) AND u.unit = \(unit.unit) AND u.token = \(unit.token)
                    AND u.state = 'running'
                  FOR SHARE OF u)
                UPDATE promshard_job_host h SET status = r.status, rc = r.rc, stdout = r.stdout,
                  stderr = r.stderr, msg = r.msg, started_ms = r.started, finished_ms = r.finished, tasks = r.tasks
                FROM held, jsonb_to_recordset(\(batch)::jsonb) AS r(host text, status text, rc bigint,
                  stdout text, stderr text, msg text, started bigint, finished bigint, tasks text)
                WHERE h.job_seq = held.job_seq AND h.unit = \(unit.unit) AND h.host = r.host
                  AND h.status = 'pending'
                RETURNING 1
                """, logger: logger
            ).all(Int.self).count
        }
    }

    public func finish(_ unit: ClaimedUnit, leftover: HostStatus, msg: String, nowMs: Int64)
        async throws(JobError)
        -> Int
    {
        let logger = self.logger
        return try await transaction("finish a unit") { db in
            guard
                let seq = try await db.query(
                    """
                    SELECT u.job_seq FROM promshard_job_unit u JOIN promshard_job j ON j.seq = u.job_seq
                    WHERE j.id = \(unit.job) AND u.unit = \(unit.unit) AND u.token = \(unit.token)
                      AND u.state = 'running'
                    FOR UPDATE OF u
                    """, logger: logger
                ).all(Int64.self).first
            else { return 0 }
            return try await Self.finishUnit(
                db, seq: seq, unit: unit.unit, leftover: leftover, msg: msg, nowMs: nowMs, logger: logger)
        }
    }

    /// Marks the unit's pending hosts `leftover`, the unit done, and counts it
    /// on the job; returns the hosts marked.
    @discardableResult
    static func finishUnit(
        _ db: PostgresConnection, seq: Int64, unit: Int, leftover: HostStatus, msg: String, nowMs: Int64,
        logger: Logger
    ) async throws -> Int {
        let left = try await db.query(
            """
            UPDATE promshard_job_host SET status = \(leftover.rawValue), msg = \(msg), finished_ms = \(nowMs)
            WHERE job_seq = \(seq) AND unit = \(unit) AND status = 'pending'
            RETURNING 1
            """, logger: logger
        ).all(Int.self).count
        try await db.query(
            """
            UPDATE promshard_job_unit SET state = 'done', lease_until_ms = NULL
            WHERE job_seq = \(seq) AND unit = \(unit)
            """, logger: logger)
        try await db.query(
            """
            UPDATE promshard_job SET units_done = units_done + 1,
            finished_ms = CASE WHEN units_done + 1 >= units THEN \(nowMs) ELSE finished_ms END
            WHERE seq = \(seq)
            """, logger: logger)
        return left
    }

    public func cancel(job id: String, nowMs: Int64) async throws(JobError) -> Bool {
        let logger = self.logger
        return try await transaction("cancel job \(id)") { db in
            guard
                let (seq, canceled, units, unitsDone) = try await db.query(
                    "SELECT seq, canceled, units, units_done FROM promshard_job WHERE id = \(id) FOR UPDATE",
                    logger: logger
                ).all((Int64, Bool, Int, Int).self).first
            else { throw JobError.notFound(id) }
            if canceled || unitsDone >= units { return false }
            try await db.query(
                "UPDATE promshard_job SET canceled = true, finished_ms = \(nowMs) WHERE seq = \(seq)",
                logger: logger)
            try await db.query(
                """
                UPDATE promshard_job_unit SET state = 'canceled'
                WHERE job_seq = \(seq) AND state IN ('queued', 'running')
                """, logger: logger)
            try await db.query(
                """
                UPDATE promshard_job_host SET status = 'canceled', msg = 'job canceled', finished_ms = \(nowMs)
                WHERE job_seq = \(seq) AND status = 'pending'
                """, logger: logger)
            return true
        }
    }
}
