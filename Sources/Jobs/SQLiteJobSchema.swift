import GRDB

/// The schema of `<state_dir>/jobs.sqlite`, as GRDB migrations (applied in
/// order, each once; a database from a newer promshard is refused).
enum SQLiteJobSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE job (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      id TEXT NOT NULL UNIQUE,
                      task TEXT NOT NULL,
                      hosts INTEGER NOT NULL,
                      units INTEGER NOT NULL,
                      units_done INTEGER NOT NULL DEFAULT 0,
                      unit_size INTEGER NOT NULL,
                      timeout_ms INTEGER NOT NULL,
                      canceled INTEGER NOT NULL DEFAULT 0,
                      created_ms INTEGER NOT NULL,
                      started_ms INTEGER,
                      finished_ms INTEGER);
                    CREATE TABLE job_unit (
                      job_seq INTEGER NOT NULL REFERENCES job(seq) ON DELETE CASCADE,
                      unit INTEGER NOT NULL,
                      state TEXT NOT NULL,
                      owner TEXT,
                      token TEXT,
                      lease_until_ms INTEGER,
                      attempt INTEGER NOT NULL DEFAULT 0,
                      PRIMARY KEY (job_seq, unit));
                    CREATE INDEX job_unit_claimable ON job_unit(state, lease_until_ms);
                    CREATE TABLE job_host (
                      job_seq INTEGER NOT NULL REFERENCES job(seq) ON DELETE CASCADE,
                      host TEXT NOT NULL,
                      unit INTEGER NOT NULL,
                      position INTEGER NOT NULL,
                      status TEXT NOT NULL,
                      rc INTEGER,
                      stdout TEXT NOT NULL DEFAULT '',
                      stderr TEXT NOT NULL DEFAULT '',
                      msg TEXT NOT NULL DEFAULT '',
                      started_ms INTEGER,
                      finished_ms INTEGER,
                      tasks TEXT,
                      PRIMARY KEY (job_seq, host));
                    CREATE INDEX job_host_by_host ON job_host(host, job_seq DESC);
                    CREATE INDEX job_host_by_unit ON job_host(job_seq, unit, status);
                    """)
        }
        return migrator
    }
}
