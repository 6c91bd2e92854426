import PromshardConfig

/// Opens the store `jobs.store` names.
public enum JobStoreOpener {
    /// SQLite in `state_dir` for `sqlite`; a ``PostgresJobStore`` for a
    /// `postgres://` URL (it connects and migrates at its first operation,
    /// so a database that is down fails that operation, not the opening).
    public static func open(_ settings: JobsSettings, stateDir: String) throws(JobError) -> any JobStore {
        if settings.store == "sqlite" {
            return try SQLiteJobStore(path: SQLiteJobStore.path(stateDir: stateDir))
        }
        return try PostgresJobStore(url: settings.store, maximumConnections: settings.workers * 2 + 4)
    }
}
