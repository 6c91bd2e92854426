import Foundation
import PromshardHistory
import PromshardProtocol
import Testing

/// The history database: schema, WAL, filters, order, retention, reopening,
/// and clear errors for a corrupt or locked file.
@Suite(.serialized)
struct DeliveryHistoryTests {
    typealias Support = HistoryTestSupport

    @Test func appendsAndQueriesNewestFirstWithFilters() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try DeliveryHistory(path: DeliveryHistory.path(stateDir: "\(dir)/var"))
        #expect(history.path == "\(dir)/var/history.sqlite")
        try history.append([
            Support.entry(collector: "a:1", status: .ok, startedMs: 1_000),
            Support.entry(collector: "b:1", status: .failed, startedMs: 2_000, message: "reload refused"),
            Support.entry(collector: "b:1", status: .ok, attempt: 2, startedMs: 3_000),
            Support.entry(service: "web", collector: "c:1", status: .timeout, startedMs: 4_000),
        ])
        #expect(try history.count() == 4)
        #expect(try history.journalMode() == "wal")

        let all = try history.entries(HistoryQuery(limit: 10))
        #expect(all.map(\.startedMs) == [4_000, 3_000, 2_000, 1_000])
        #expect(all.allSatisfy { $0.id != nil })
        #expect(all[2].message == "reload refused")
        #expect(all[2].stderrTail == "stderr of b:1\n")
        #expect(all[2].status == .failed)

        #expect(try history.entries(HistoryQuery(service: "web")).map(\.collector) == ["c:1"])
        #expect(try history.entries(HistoryQuery(collector: "b:1")).map(\.attempt) == [2, 1])
        #expect(try history.entries(HistoryQuery(status: .ok)).map(\.collector) == ["b:1", "a:1"])
        #expect(
            try history.entries(HistoryQuery(service: "node", collector: "b:1", status: .failed)).count == 1)
        #expect(try history.entries(HistoryQuery(limit: 2)).map(\.startedMs) == [4_000, 3_000])
    }

    @Test func deferredDrainsAreKeptApartFromFailures() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try DeliveryHistory(path: "\(dir)/history.sqlite")
        try history.append([
            Support.entry(
                collector: "a:1", status: .failed, startedMs: 1, message: "connection refused", deferred: true
            ),
            Support.entry(collector: "b:1", status: .failed, startedMs: 2, message: "reload refused"),
        ])
        #expect(
            try history.entries(HistoryQuery(status: .failed, deferred: false)).map(\.collector) == ["b:1"])
        #expect(try history.entries(HistoryQuery(deferred: true)).map(\.collector) == ["a:1"])
        #expect(try history.entries(HistoryQuery()).count == 2)
        let rows = try history.entries(HistoryQuery())
        let table = HistoryTable.text(rows)
        #expect(
            table.contains("a:1")
                && table.split(separator: "\n").contains { $0.contains("a:1") && $0.contains("deferred") })
        #expect(!table.split(separator: "\n").contains { $0.contains("b:1") && $0.contains("deferred") })
    }

    @Test func aVersionOneDatabaseGainsTheDeferredColumn() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        // The v1 schema as released, with one row, written by the sqlite3 shell.
        let v1 = """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: delivery_attempt');
            CREATE TABLE delivery_attempt (id INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL,
              collector TEXT NOT NULL, executor TEXT NOT NULL, status TEXT NOT NULL, attempt INTEGER NOT NULL,
              started_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL, sha256 TEXT NOT NULL,
              message TEXT NOT NULL, stderr_tail TEXT, assignment_version INTEGER NOT NULL,
              target_count INTEGER NOT NULL);
            INSERT INTO delivery_attempt (service, collector, executor, status, attempt, started_ms, duration_ms,
              sha256, message, assignment_version, target_count)
              VALUES ('node', 'old:1', 'file', 'failed', 1, 5, 1, 'ab', 'old row', 1, 1);
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: try Support.sqlite3())
        shell.arguments = [path, v1]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)

        let history = try DeliveryHistory(path: path)
        let old = try history.entries(HistoryQuery())
        #expect(old.map(\.collector) == ["old:1"])
        #expect(old.first?.deferred == false)
        try history.append([Support.entry(collector: "new:1", status: .failed, startedMs: 6, deferred: true)])
        #expect(try history.entries(HistoryQuery(deferred: true)).map(\.collector) == ["new:1"])
    }

    @Test func survivesReopeningAndKeepsOnlyTheNewestRows() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        do {
            let history = try DeliveryHistory(path: path, maxRows: 5)
            try history.append((1...4).map { Support.entry(startedMs: Int64($0)) })
        }
        let reopened = try DeliveryHistory(path: path, maxRows: 5)
        #expect(try reopened.count() == 4)
        try reopened.append((5...8).map { Support.entry(startedMs: Int64($0)) })
        #expect(try reopened.count() == 5)
        #expect(try reopened.entries(HistoryQuery(limit: 100)).map(\.startedMs) == [8, 7, 6, 5, 4])

        let reader = try #require(try DeliveryHistory.openForReading(path: path))
        #expect(try reader.entries(HistoryQuery(limit: 1)).map(\.startedMs) == [8])
        #expect(try DeliveryHistory.openForReading(path: "\(dir)/absent.sqlite") == nil)
    }

    @Test func theSchemaHasIndexesForEveryFilter() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        _ = try DeliveryHistory(path: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Support.sqlite3())
        process.arguments = [
            path,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery_attempt' ORDER BY name;",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let names = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(
            names.split(separator: "\n") == [
                "delivery_attempt_collector", "delivery_attempt_service", "delivery_attempt_started",
                "delivery_attempt_status",
            ])
    }

    @Test func aCorruptFileIsReportedAsCorrupt() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        try Data(String(repeating: "garbage, not SQLite\n", count: 500).utf8).write(
            to: URL(fileURLWithPath: path))
        #expect {
            _ = try DeliveryHistory(path: path)
        } throws: { error in
            guard case .corrupt(let p, let detail) = error as? HistoryError else { return false }
            return p == path && detail.contains("SQLite error 26")
        }
        do {
            _ = try DeliveryHistory.openForReading(path: path)
            Issue.record("a corrupt file was opened")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "history database \(path) is corrupt or not a SQLite database (SQLite error 26"))
            #expect(error.description.hasSuffix("move it aside and promshard starts a new one"))
        }
    }

    @Test func anotherSQLiteDatabaseIsNotAHistory() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/other.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Support.sqlite3())
        process.arguments = [path, "CREATE TABLE t(x);"]
        try process.run()
        process.waitUntilExit()
        #expect(throws: HistoryError.notAHistory(path: path, detail: "it has no delivery_attempt table")) {
            _ = try DeliveryHistory.openForReading(path: path)
        }
    }

    @Test func aFileNotYetMigratedReadsAsNothingRecorded() throws {
        // The dispatch child creates the file, then runs the migrations: a reader in between
        // sees an empty database, which is "nothing recorded yet", not "not a history".
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(try DeliveryHistory.openForReading(path: path) == nil)
    }

    @Test func aDatabaseLockedByAnotherConnectionIsReportedAsLocked() throws {
        let dir = Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/history.sqlite"
        let history = try DeliveryHistory(path: path, busyTimeout: .milliseconds(200))
        try history.append([Support.entry(startedMs: 1)])

        let holder = try ExclusiveLockHolder(database: path)
        do {
            try history.append([Support.entry(startedMs: 2)])
            Issue.record("a write went through another connection's exclusive transaction")
        } catch {
            guard case .locked(let p, let detail) = error else {
                Issue.record("expected locked, got \(error)")
                holder.release()
                return
            }
            #expect(p == path)
            #expect(detail.contains("SQLite error 5"), "\(detail)")
            #expect(error.description.contains("is locked by another connection"))
        }
        // Reading still works in WAL mode while the writer is locked out.
        #expect(try history.entries(HistoryQuery()).count == 1)
        holder.release()
        try history.append([Support.entry(startedMs: 3)])
        #expect(try history.count() == 2)
    }
}
