import Foundation
import GRDB

/// The delivery history: one SQLite database (`<state_dir>/history.sqlite`,
/// WAL mode) with one row per delivery attempt, newest first on reading.
///
/// The dispatch child is the only writer; `promshard history` opens the file
/// read-only, which WAL mode allows while the daemon writes. The table keeps
/// at most ``maxRows`` rows: each append deletes the oldest rows beyond the
/// cap (by row id, which increases with insertion).
///
/// Every failure is a ``HistoryError`` naming the file: a file that is not a
/// database or is damaged is `corrupt`, a lock held by another connection
/// longer than the busy timeout is `locked`.
public final class DeliveryHistory: Sendable {
    /// File name of the database inside `state_dir`.
    public static let fileName = "history.sqlite"
    /// Rows kept by default (the newest ones).
    public static let defaultMaxRows = 100_000

    /// Path of the database file.
    public let path: String
    /// Rows kept: older rows are deleted as new ones are appended.
    public let maxRows: Int
    private let database: DatabaseQueue

    /// The history file of a state directory.
    public static func path(stateDir: String) -> String {
        "\(stateDir)/\(fileName)"
    }

    /// Opens the database for writing, creating the file (and its directory)
    /// and the schema when needed; switches it to WAL mode.
    public init(
        path: String, maxRows: Int = DeliveryHistory.defaultMaxRows, busyTimeout: Duration = .seconds(1)
    ) throws(HistoryError) {
        self.path = path
        self.maxRows = max(1, maxRows)
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw .cannotOpen(
                path: path, detail: "cannot create directory \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Self.seconds(busyTimeout))
        configuration.label = "promshard.history"
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = HistorySchema.migrator
            if try database.read({ try migrator.hasBeenSuperseded($0) }) {
                throw HistoryError.notAHistory(
                    path: path,
                    detail: "its schema is newer than this promshard knows (written by a newer version?)")
            }
            try migrator.migrate(database)
        } catch {
            throw .from(error, path: path, operation: "open")
        }
    }

    /// Opens an existing database read-only (for `promshard history`); nil
    /// when the file does not exist.
    public static func openForReading(path: String) throws(HistoryError) -> DeliveryHistory? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try DeliveryHistory(readOnly: path)
    }

    /// Nil for a database with no table at all: the dispatch child has just
    /// created the file and not yet run its migrations (nothing recorded yet).
    private init?(readOnly path: String) throws(HistoryError) {
        self.path = path
        self.maxRows = Self.defaultMaxRows
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(1)
        configuration.label = "promshard.history.read"
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            let (exists, tables) = try database.read { db in
                (
                    try db.tableExists(HistoryEntry.databaseTableName),
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                )
            }
            if !exists && tables == 0 { return nil }
            if !exists {
                throw HistoryError.notAHistory(
                    path: path, detail: "it has no \(HistoryEntry.databaseTableName) table")
            }
        } catch {
            throw .from(error, path: path, operation: "open")
        }
    }

    /// Appends attempts in one transaction (their `id` is ignored), then
    /// deletes the oldest rows beyond ``maxRows``.
    public func append(_ entries: [HistoryEntry]) throws(HistoryError) {
        guard !entries.isEmpty else { return }
        let cap = Int64(maxRows)
        do {
            try database.write { db in
                for var entry in entries {
                    entry.id = nil
                    try entry.insert(db)
                }
                try db.execute(
                    sql:
                        "DELETE FROM delivery_attempt WHERE id <= (SELECT MAX(id) FROM delivery_attempt) - ?",
                    arguments: [cap])
            }
        } catch {
            throw .from(error, path: path, operation: "record a delivery")
        }
    }

    /// Attempts matching `query`, newest first (by start time, then row id).
    public func entries(_ query: HistoryQuery) throws(HistoryError) -> [HistoryEntry] {
        var request = HistoryEntry.all()
        if let service = query.service {
            request = request.filter(HistoryEntry.CodingKeys.service == service)
        }
        if let collector = query.collector {
            request = request.filter(HistoryEntry.CodingKeys.collector == collector)
        }
        if let status = query.status {
            request = request.filter(HistoryEntry.CodingKeys.status == status.rawValue)
        }
        if let deferred = query.deferred {
            request = request.filter(HistoryEntry.CodingKeys.deferred == deferred)
        }
        request = request.order(HistoryEntry.CodingKeys.startedMs.desc, HistoryEntry.CodingKeys.id.desc)
            .limit(max(0, query.limit))
        do {
            return try database.read { try request.fetchAll($0) }
        } catch {
            throw .from(error, path: path, operation: "read the history")
        }
    }

    /// Number of rows stored.
    public func count() throws(HistoryError) -> Int {
        do {
            return try database.read { try HistoryEntry.fetchCount($0) }
        } catch {
            throw .from(error, path: path, operation: "count rows")
        }
    }

    /// Journal mode of the database (`wal` once opened for writing).
    public func journalMode() throws(HistoryError) -> String {
        do {
            return try database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw .from(error, path: path, operation: "read the journal mode")
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
