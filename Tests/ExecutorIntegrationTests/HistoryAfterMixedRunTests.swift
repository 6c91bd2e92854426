import Foundation
import PromshardConfig
import PromshardDispatch
import PromshardHistory
import PromshardProtocol
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A run where every collector ends differently (ok, failed, timeout,
/// bad_request, crashed, bad_output): the history database has one row per
/// attempt, retries included, and `promshard history` prints and filters them.
@Suite(.serialized)
struct HistoryAfterMixedRunTests {
    /// A plugin whose behaviour depends on the collector's port.
    static let plugin = """
        #!/bin/sh
        [ "$1" = describe ] && { echo '{"name":"mixed","version":"1","protocol":1}'; exit 0; }
        request=$(cat)
        case "$request" in
        *'"port":1001'*) echo '{"status":"ok","message":"delivered","changed":true}' ;;
        *'"port":1002'*) echo 'reload refused' >&2; echo '{"status":"failed","message":"reload refused"}'; exit 1 ;;
        *'"port":1003'*) sleep 60 ;;
        *'"port":1004'*) echo '{"status":"failed","message":"bad params"}'; exit 2 ;;
        *'"port":1005'*) kill -SEGV $$ ;;
        *'"port":1006'*) echo 'not json' ;;
        esac

        """

    @Test func everyAttemptIsARowAndTheCLIFiltersThem() async throws {
        let dir = try TempDir("promshard-history-run")
        defer { dir.remove() }
        try dir.write("mixed.sh", Self.plugin)
        chmod(dir.file("mixed.sh"), 0o755)
        let stateDir = dir.file("var")
        let harness = SchedulerHarness(historyPath: DeliveryHistory.path(stateDir: stateDir))
        let settings = DispatchSettings(
            executor: dir.file("mixed.sh"), dest: dir.file("sd/{port}.json"), timeout: .seconds(5),
            killGrace: .milliseconds(200), retries: 1, retryBackoff: .milliseconds(100), resync: .zero)
        let ports = [1001, 1002, 1003, 1004, 1005, 1006]
        await harness.scheduler.apply(
            config: SchedulerHarness.config(stateDir: stateDir, dispatch: settings),
            assignment: SchedulerHarness.assignment(
                7, ports.map { ("127.0.0.1", $0, ["10.0.0.\($0 - 1000):9100"]) }))

        // failed, timeout and crashed are retried once (retries: 1); the others are not.
        let expected: [Int: [DeliveryStatus]] = [
            1001: [.ok], 1002: [.failed, .failed], 1003: [.timeout, .timeout], 1004: [.badRequest],
            1005: [.crashed, .crashed], 1006: [.badOutput],
        ]
        let done = await harness.wait { $0.count >= 9 }
        #expect(done, "\(harness.attempts.map { "\($0.collector) \($0.status)" })")
        try await Task.sleep(for: .milliseconds(500))  // nothing more may come
        #expect(harness.attempts.count == 9)
        #expect(await harness.recorder?.waitUntilIdle() == true)
        #expect(harness.historyEvents.isEmpty)

        let history = try #require(
            try DeliveryHistory.openForReading(path: DeliveryHistory.path(stateDir: stateDir)))
        let rows = try history.entries(HistoryQuery(limit: 100))
        #expect(rows.count == 9)
        for (port, statuses) in expected {
            let mine = rows.filter { $0.collector == "127.0.0.1:\(port)" }.sorted { $0.attempt < $1.attempt }
            #expect(mine.map(\.status) == statuses, "\(port)")
            #expect(mine.map(\.attempt) == Array(1...statuses.count), "\(port)")
            for row in mine {
                #expect(row.service == "node")
                #expect(row.executor == dir.file("mixed.sh"))
                #expect(row.assignmentVersion == 7)
                #expect(row.targetCount == 1)
                #expect(row.sha256.count == 64)
            }
        }
        let failed = rows.first { $0.collector == "127.0.0.1:1002" }
        #expect(failed?.message == "reload refused")
        #expect(failed?.stderrTail == "reload refused\n")
        #expect(rows.first { $0.status == .timeout }?.message.hasPrefix("deadline 5s exceeded") == true)
        // Newest first.
        #expect(rows.map(\.startedMs) == rows.map(\.startedMs).sorted(by: >))

        // The CLI, on the same state_dir.
        try dir.write("promshard.yaml", CLI.config(executor: dir.file("mixed.sh"), stateDir: stateDir))
        let config = dir.file("promshard.yaml")
        let table = try CLI.promshard(["history", "--config", config])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(lines[0].hasPrefix("STARTED (UTC)"))
        // Aligned: every line has the STATUS column at the same offset.
        let statusColumn = try #require(lines[0].range(of: "STATUS")).lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let status = line.dropFirst(statusColumn).prefix { $0 != " " }
            #expect(DeliveryStatus(rawValue: String(status)) != nil, "\(line)")
        }

        let timeouts = try CLI.promshard(["history", "--config", config, "--status", "timeout", "--json"])
        #expect(timeouts.status == 0, "\(timeouts.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(timeouts.stdout.utf8)) as? [[String: Any]])
        #expect(json.count == 2)
        #expect(
            json.allSatisfy {
                $0["status"] as? String == "timeout" && $0["collector"] as? String == "127.0.0.1:1003"
            })
        #expect(Set(json.compactMap { $0["attempt"] as? Int }) == [1, 2])
        #expect(
            json.allSatisfy { ($0["started"] as? String)?.hasSuffix("Z") == true && $0["duration_ms"] is Int }
        )

        let one = try CLI.promshard([
            "history", "--config", config, "--collector", "127.0.0.1:1002", "--limit", "1",
        ])
        #expect(one.stdout.split(separator: "\n").count == 2)
        #expect(one.stdout.contains("failed"))

        let bad = try CLI.promshard(["history", "--config", config, "--status", "exploded"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown status \"exploded\""))
    }

    @Test func theCLIReportsACorruptDatabaseAndAMissingOne() throws {
        let dir = try TempDir("promshard-history-cli")
        defer { dir.remove() }
        let stateDir = dir.file("var")
        try dir.write("promshard.yaml", CLI.config(executor: "file", stateDir: stateDir))
        let missing = try CLI.promshard(["history", "--config", dir.file("promshard.yaml"), "--json"])
        #expect(missing.status == 0)
        #expect(missing.stdout == "[]\n")

        try dir.write("var/history.sqlite", String(repeating: "this is not a database\n", count: 400))
        let corrupt = try CLI.promshard(["history", "--config", dir.file("promshard.yaml")])
        #expect(corrupt.status == 1)
        #expect(
            corrupt.stderr.contains("history.sqlite is corrupt or not a SQLite database"), "\(corrupt.stderr)"
        )
    }
}
