import Logging
import PostgresNIO

/// The schema of the PostgreSQL job store: numbered migrations, each applied
/// once, recorded in `promshard_schema_migrations`.
///
/// ``migrate(_:logger:)`` runs in one transaction that first takes a
/// transaction-scoped advisory lock, so two instances starting at once
/// apply each migration exactly once (the second waits, then finds them
/// applied). A database whose schema is newer than this build is refused.
/// Every table is prefixed `promshard_`, so the store can share a database.
enum PostgresJobSchema {
    /// `pg_advisory_xact_lock` key of the migrations ("promshard" in ASCII, truncated).
    static let lockKey: Int64 = 0x70726f_6d7368

    /// Version → statements, in order.
    static let migrations: [(version: Int, sql: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE promshard_job (
                  seq BIGSERIAL PRIMARY KEY,
                  id TEXT NOT NULL UNIQUE,
                  task TEXT NOT NULL,
                  hosts BIGINT NOT NULL,
                  units BIGINT NOT NULL,
                  units_done BIGINT NOT NULL DEFAULT 0,
                  unit_size BIGINT NOT NULL,
                  timeout_ms BIGINT NOT NULL,
                  canceled BOOLEAN NOT NULL DEFAULT false,
                  created_ms BIGINT NOT NULL,
                  started_ms BIGINT,
                  finished_ms BIGINT)
                """,
                """
                CREATE TABLE promshard_job_unit (
                  job_seq BIGINT NOT NULL REFERENCES promshard_job(seq) ON DELETE CASCADE,
                  unit BIGINT NOT NULL,
                  state TEXT NOT NULL,
                  owner TEXT,
                  token TEXT,
                  lease_until_ms BIGINT,
                  attempt BIGINT NOT NULL DEFAULT 0,
                  PRIMARY KEY (job_seq, unit))
                """,
                // Only the claimable units: the claim query scans nothing else.
                """
                CREATE INDEX promshard_job_unit_claimable ON promshard_job_unit (job_seq, unit)
                  WHERE state IN ('queued', 'running')
                """,
                """
                CREATE TABLE promshard_job_host (
                  job_seq BIGINT NOT NULL REFERENCES promshard_job(seq) ON DELETE CASCADE,
                  host TEXT NOT NULL,
                  unit BIGINT NOT NULL,
                  position BIGINT NOT NULL,
                  status TEXT NOT NULL,
                  rc BIGINT,
                  stdout TEXT NOT NULL DEFAULT '',
                  stderr TEXT NOT NULL DEFAULT '',
                  msg TEXT NOT NULL DEFAULT '',
                  started_ms BIGINT,
                  finished_ms BIGINT,
                  tasks TEXT,
                  PRIMARY KEY (job_seq, host))
                """,
                "CREATE INDEX promshard_job_host_by_host ON promshard_job_host (host, job_seq DESC)",
                "CREATE INDEX promshard_job_host_by_unit ON promshard_job_host (job_seq, unit, status)",
            ]
        )
    ]

    /// The newest version this build knows.
    static var latest: Int { migrations.last?.version ?? 0 }

    /// Applies the missing migrations on `connection` in one transaction;
    /// returns the versions it applied (empty when the schema was current).
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS promshard_schema_migrations (
                  version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let current =
                try await connection.query(
                    "SELECT COALESCE(max(version), 0) FROM promshard_schema_migrations", logger: logger
                ).all(Int.self).first ?? 0
            if current > latest {
                throw JobError.store(
                    "its schema is version \(current), newer than this promshard knows (\(latest))")
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > current {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO promshard_schema_migrations (version) VALUES (\(migration.version))",
                    logger: logger)
                applied.append(migration.version)
            }
            try await connection.query("COMMIT", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

extension PostgresRowSequence {
    /// Every row, decoded as the given column types.
    func all<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) async throws
        -> [(repeat each Column)]
    {
        try await collect().map { try $0.decode(types) }
    }
}
