import Foundation
import PromshardHistory
import PromshardProtocol

/// Helpers of the history tests.
enum HistoryTestSupport {
    /// A fresh directory under /tmp.
    static func temporaryDirectory() -> String {
        let path = "/tmp/promshard-history-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An attempt with the given fields and plausible others.
    static func entry(
        service: String = "node", collector: String = "127.0.0.1:9090", status: DeliveryStatus = .ok,
        attempt: Int = 1, startedMs: Int64, message: String = "ok", executor: String = "file",
        deferred: Bool = false
    ) -> HistoryEntry {
        HistoryEntry(
            service: service, collector: collector, executor: executor, status: status, attempt: attempt,
            startedMs: startedMs, durationMs: 42, sha256: String(repeating: "ab", count: 32),
            message: message,
            stderrTail: status == .ok ? nil : "stderr of \(collector)\n", assignmentVersion: 3,
            targetCount: 10, deferred: deferred)
    }

    /// sqlite3 (Debian package sqlite3), or a clear failure.
    static func sqlite3() throws -> String {
        let path = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HistoryTestError(
                "\(path) is missing: install the Debian package sqlite3 (scripts/setup-debian.sh test does)")
        }
        return path
    }
}

struct HistoryTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Another connection (the sqlite3 shell) holding an exclusive transaction
/// on a database until ``release()``.
final class ExclusiveLockHolder {
    let process = Process()
    let input = Pipe()
    let output = Pipe()

    init(database: String) throws {
        process.executableURL = URL(fileURLWithPath: try HistoryTestSupport.sqlite3())
        process.arguments = [database]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        // Wait until the shell says it holds the lock.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                throw HistoryTestError("sqlite3 exited: \(String(decoding: seen, as: UTF8.self))")
            }
            seen += chunk
        }
        if String(decoding: seen, as: UTF8.self).contains("Error") {
            throw HistoryTestError("sqlite3 could not lock: \(String(decoding: seen, as: UTF8.self))")
        }
    }

    /// Ends the transaction and the shell.
    func release() {
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
