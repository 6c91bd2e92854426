import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardHistory
import PromshardProtocol
import PromshardTestSupport
import Testing

/// The dispatch child's history writer: a corrupt or locked database is
/// reported once per failure episode, and deliveries go on regardless.
@Suite(.serialized)
struct HistoryRecorderTests {
    @Test func deliveriesGoOnWithACorruptDatabaseWhichIsReportedOnce() async throws {
        let dir = try TempDir("promshard-history-corrupt")
        defer { dir.remove() }
        let stateDir = dir.file("var")
        try dir.write("var/history.sqlite", String(repeating: "definitely not sqlite\n", count: 300))
        try dir.write(
            "ok.sh",
            "#!/bin/sh\n[ \"$1\" = describe ] && exit 0\ncat >/dev/null\necho '{\"status\":\"ok\",\"message\":\"fine\"}'\n"
        )
        chmod(dir.file("ok.sh"), 0o755)
        let harness = SchedulerHarness(historyPath: DeliveryHistory.path(stateDir: stateDir))
        let settings = DispatchSettings(
            executor: dir.file("ok.sh"), dest: dir.file("sd/{port}.json"), resync: .zero)
        let config = SchedulerHarness.config(stateDir: stateDir, dispatch: settings)
        await harness.scheduler.apply(
            config: config,
            assignment: SchedulerHarness.assignment(
                1, [("127.0.0.1", 1, ["a:1"]), ("127.0.0.1", 2, ["b:1"])]))
        #expect(await harness.wait { $0.count == 2 })
        await harness.scheduler.apply(
            config: config,
            assignment: SchedulerHarness.assignment(
                2, [("127.0.0.1", 1, ["c:1"]), ("127.0.0.1", 2, ["d:1"])]))
        #expect(await harness.wait { $0.count == 4 })
        #expect(harness.attempts.allSatisfy { $0.status == .ok })
        #expect(await harness.recorder?.waitUntilIdle() == true)

        let events = harness.historyEvents
        #expect(events.count == 1, "one report for the whole episode: \(events)")
        guard case .failing(let error)? = events.first, case .corrupt(let path, _) = error else {
            Issue.record("expected a corrupt report, got \(events)")
            return
        }
        #expect(path == DeliveryHistory.path(stateDir: stateDir))
        #expect(error.description.contains("is corrupt or not a SQLite database"))

        // Moving the file aside (as the message says) ends the episode: new rows are written again.
        try FileManager.default.moveItem(
            atPath: dir.file("var/history.sqlite"), toPath: dir.file("var/history.sqlite.bad"))
        await harness.scheduler.apply(
            config: config,
            assignment: SchedulerHarness.assignment(
                3, [("127.0.0.1", 1, ["e:1"]), ("127.0.0.1", 2, ["f:1"])]))
        #expect(await harness.wait { $0.count == 6 })
        #expect(await harness.recorder?.waitUntilIdle() == true)
        #expect(harness.historyEvents.count == 2)
        if case .recovered(let dropped)? = harness.historyEvents.last {
            #expect(dropped >= 4)
        } else {
            Issue.record("expected recovered, got \(harness.historyEvents)")
        }
        let history = try #require(
            try DeliveryHistory.openForReading(path: DeliveryHistory.path(stateDir: stateDir)))
        #expect(try history.entries(HistoryQuery()).map(\.assignmentVersion).allSatisfy { $0 == 3 })
    }

    @Test func aLockedDatabaseIsReportedAndRowsFlowAgainWhenTheLockGoes() async throws {
        try Tools.require(Tools.sqlite3, package: "sqlite3")
        let dir = try TempDir("promshard-history-locked")
        defer { dir.remove() }
        let path = dir.file("history.sqlite")
        _ = try DeliveryHistory(path: path)
        // Another connection holds an exclusive transaction.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Tools.sqlite3)
        holder.arguments = [path]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        _ = output.fileHandleForReading.availableData

        let events = EventLog()
        let recorder = HistoryRecorder(path: path) { events.append($0) }
        for i in 0..<3 {
            recorder.record(
                HistoryEntry(
                    service: "node", collector: "a:1", executor: "file", status: .ok, attempt: 1,
                    startedMs: Int64(i),
                    durationMs: 1, sha256: "x", message: "ok", assignmentVersion: 1, targetCount: 1))
            #expect(await recorder.waitUntilIdle(timeout: .seconds(10)))
        }
        let reported = events.all
        #expect(reported.count == 1, "\(reported)")
        if case .failing(let error)? = reported.first {
            #expect(error.description.contains("\(path) is locked by another connection"), "\(error)")
        } else {
            Issue.record("expected a locked report, got \(reported)")
        }

        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        recorder.record(
            HistoryEntry(
                service: "node", collector: "a:1", executor: "file", status: .ok, attempt: 1, startedMs: 9,
                durationMs: 1,
                sha256: "x", message: "ok", assignmentVersion: 1, targetCount: 1))
        #expect(await recorder.waitUntilIdle(timeout: .seconds(10)))
        #expect(events.all.last == .recovered(dropped: 3))
        #expect(try DeliveryHistory(path: path).count() == 1)
        recorder.close()
    }

    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [HistoryRecorder.Event] = []
        func append(_ event: HistoryRecorder.Event) { lock.withLock { events.append(event) } }
        var all: [HistoryRecorder.Event] { lock.withLock { events } }
    }
}
