import Foundation
import PromshardHistory
import PromshardProtocol
import Testing

/// How `promshard history` prints rows.
struct HistoryTableTests {
    typealias Support = HistoryTestSupport

    @Test func textIsAnAlignedTableInTheGivenOrder() {
        var long = Support.entry(
            collector: "10.0.0.12:9090", status: .timeout, attempt: 4, startedMs: 1_763_756_070_123,
            message: "deadline 10s exceeded,\nprocess group killed")
        long.durationMs = 12_345
        long.id = 2
        var short = Support.entry(collector: "a:1", status: .ok, startedMs: 1_763_756_000_000)
        short.id = 1
        let text = HistoryTable.text([long, short])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(
            lines[0]
                == "STARTED (UTC)            SERVICE  COLLECTOR       EXECUTOR  STATUS   ATTEMPT  DURATION  VERSION  SHA256        MESSAGE"
        )
        #expect(
            lines[1]
                == "2025-11-21 20:14:30.123  node     10.0.0.12:9090  file      timeout  4        12.3s     3        abababababab  deadline 10s exceeded, process group killed"
        )
        #expect(
            lines[2]
                == "2025-11-21 20:13:20.000  node     a:1             file      ok       1        42ms      3        abababababab  ok"
        )
    }

    @Test func longMessagesAreClippedInTheTableOnly() throws {
        let message = String(repeating: "x", count: 500)
        let entry = Support.entry(status: .failed, startedMs: 0, message: message)
        let line = HistoryTable.text([entry]).split(separator: "\n")[1]
        #expect(line.hasSuffix(String(repeating: "x", count: 119) + "…"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(HistoryTable.json([entry]).utf8)) as? [[String: Any]])
        #expect((json[0]["message"] as? String)?.count == 500)
    }

    @Test func jsonHasEveryColumnAndAnISOTime() throws {
        var entry = Support.entry(
            status: .crashed, attempt: 2, startedMs: 1_763_756_070_123, message: "killed by signal 11")
        entry.id = 9
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(HistoryTable.json([entry]).utf8)) as? [[String: Any]])
        #expect(json.count == 1)
        let row = json[0]
        #expect(row["id"] as? Int == 9)
        #expect(row["service"] as? String == "node")
        #expect(row["collector"] as? String == "127.0.0.1:9090")
        #expect(row["executor"] as? String == "file")
        #expect(row["status"] as? String == "crashed")
        #expect(row["attempt"] as? Int == 2)
        #expect(row["started_ms"] as? Int == 1_763_756_070_123)
        #expect(row["started"] as? String == "2025-11-21T20:14:30.123Z")
        #expect(row["duration_ms"] as? Int == 42)
        #expect(row["sha256"] as? String == String(repeating: "ab", count: 32))
        #expect(row["message"] as? String == "killed by signal 11")
        #expect(row["stderr_tail"] as? String == "stderr of 127.0.0.1:9090\n")
        #expect(row["assignment_version"] as? Int == 3)
        #expect(row["target_count"] as? Int == 10)
        #expect(row["deferred"] as? Bool == false)
        #expect(HistoryTable.json([]) == "[\n\n]\n" || HistoryTable.json([]) == "[]\n")
    }
}
