import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    static let jobColumns =
        "seq, id, task, hosts, units, units_done, unit_size, timeout_ms, canceled, created_ms, started_ms, finished_ms"

    typealias JobRow = (Int64, String, String, Int, Int, Int, Int, Int, Bool, Int64, Int64?, Int64?)

    /// The jobs `where` selects (a trusted SQL fragment with binds) with their counts.
    func jobs(_ operation: String, where filter: PostgresQuery) async throws(JobError) -> [JobRecord] {
        let logger = self.logger
        return try await run(operation) { db in
            var query = PostgresQuery(unsafeSQL: "SELECT \(Self.jobColumns) FROM promshard_job ")
            query.sql += filter.sql
            query.binds = filter.binds
            let rows = try await db.query(query, logger: logger).all(JobRow.self)
            var records: [JobRecord] = []
            for row in rows {
                var counts: [String: Int] = [:]
                for (status, n) in try await db.query(
                    "SELECT status, count(*) FROM promshard_job_host WHERE job_seq = \(row.0) GROUP BY status",
                    logger: logger
                ).all((String, Int).self) {
                    counts[status] = n
                }
                records.append(
                    JobRecord(
                        id: row.1,
                        state: JobState.derive(
                            canceled: row.8, units: row.4, unitsDone: row.5, started: row.10 != nil),
                        task: try JobCodec.decodeTask(row.2), hosts: row.3, counts: counts, units: row.4,
                        unitsDone: row.5, unitSize: row.6, timeoutMs: row.7, created: row.9, started: row.10,
                        finished: row.11))
            }
            return records
        }
    }

    public func job(_ id: String) async throws(JobError) -> JobRecord? {
        try await jobs("read job \(id)", where: "WHERE id = \(id)").first
    }

    public func jobs(limit: Int) async throws(JobError) -> [JobRecord] {
        try await jobs("list jobs", where: "ORDER BY seq DESC LIMIT \(limit)")
    }

    public func activeJobs() async throws(JobError) -> [JobRecord] {
        try await jobs(
            "list active jobs", where: "WHERE NOT canceled AND units_done < units ORDER BY seq")
    }

    static let resultColumns =
        "j.id, h.host, h.status, h.rc, h.stdout, h.stderr, h.msg, h.unit, h.started_ms, h.finished_ms, h.tasks"

    typealias ResultColumns = (
        String, String, String, Int?, String, String, String, Int, Int64?, Int64?, String?
    )

    static func result(_ r: ResultColumns) throws -> HostResult {
        HostResult(
            job: r.0, host: r.1, status: HostStatus(rawValue: r.2) ?? .failed, rc: r.3, stdout: r.4,
            stderr: r.5, msg: r.6, unit: r.7, started: r.8, finished: r.9,
            tasks: try r.10.map(JobCodec.decodeCounts))
    }

    /// Final results that `query` selects (its columns: ``resultColumns``).
    func results(_ operation: String, _ query: PostgresQuery) async throws(JobError) -> [HostResult] {
        let logger = self.logger
        return try await run(operation) { db in
            try await db.query(query, logger: logger).all(ResultColumns.self).map(Self.result)
        }
    }

    public func results(job id: String, status: HostStatus?) async throws(JobError) -> [HostResult] {
        guard try await job(id) != nil else { throw .notFound(id) }
        let from = """
            SELECT \(Self.resultColumns) FROM promshard_job_host h JOIN promshard_job j ON j.seq = h.job_seq
            WHERE h.status <> 'pending' AND j.id = 
            """
        if let status {
            return try await results(
                "read results of \(id)",
                "\(unescaped: from)\(id) AND h.status = \(status.rawValue) ORDER BY h.position")
        }
        return try await results(
            "read results of \(id)", "\(unescaped: from)\(id) ORDER BY h.position")
    }

    public func results(host: String, limit: Int) async throws(JobError) -> [HostResult] {
        try await results(
            "read results of \(host)",
            """
            SELECT \(unescaped: Self.resultColumns) FROM promshard_job_host h
            JOIN promshard_job j ON j.seq = h.job_seq
            WHERE h.host = \(host) AND h.status <> 'pending' ORDER BY h.job_seq DESC LIMIT \(limit)
            """)
    }

    public func latest(hosts: [String]) async throws(JobError) -> [HostResult] {
        guard !hosts.isEmpty else { return [] }
        return try await results(
            "read latest results",
            """
            SELECT r.* FROM unnest(\(hosts)::text[]) WITH ORDINALITY AS q(host, ord)
            CROSS JOIN LATERAL (
              SELECT \(unescaped: Self.resultColumns) FROM promshard_job_host h
              JOIN promshard_job j ON j.seq = h.job_seq
              WHERE h.host = q.host AND h.status <> 'pending' ORDER BY h.job_seq DESC LIMIT 1) r
            ORDER BY q.ord
            """)
    }

    /// Refreshes the planner's statistics of the store's tables (`ANALYZE`),
    /// as autovacuum does some time after a bulk load.
    public func analyze() async throws(JobError) {
        let logger = self.logger
        try await run("analyze") { db in
            _ = try await db.query(
                "ANALYZE promshard_job, promshard_job_unit, promshard_job_host", logger: logger)
        }
    }

    /// PostgreSQL's plan of the by-ip query (to check that it uses its index).
    public func queryPlan(host: String) async throws(JobError) -> String {
        let logger = self.logger
        return try await run("explain") { db in
            try await db.query(
                """
                EXPLAIN SELECT \(unescaped: Self.resultColumns) FROM promshard_job_host h
                JOIN promshard_job j ON j.seq = h.job_seq
                WHERE h.host = \(host) AND h.status <> 'pending' ORDER BY h.job_seq DESC LIMIT 10
                """, logger: logger
            ).all(String.self).joined(separator: "\n")
        }
    }
}
