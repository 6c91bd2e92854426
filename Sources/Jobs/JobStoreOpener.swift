import PromshardConfig

/// Opens the store `jobs.store` names.
public enum JobStoreOpener {
    /// SQLite in `state_dir` for `sqlite`; PostgreSQL URLs are not supported yet.
    public static func open(_ settings: JobsSettings, stateDir: String) throws(JobError) -> any JobStore {
        if settings.store == "sqlite" {
            return try SQLiteJobStore(path: SQLiteJobStore.path(stateDir: stateDir))
        }
        throw .store("\(settings.redactedStore): PostgreSQL stores are not supported by this build yet")
    }
}
