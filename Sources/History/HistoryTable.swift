import Foundation

/// How `promshard history` prints rows: an aligned text table or JSON.
public enum HistoryTable {
    /// Header of each column, in order.
    static let headers = [
        "STARTED (UTC)", "SERVICE", "COLLECTOR", "EXECUTOR", "STATUS", "ATTEMPT", "DURATION", "VERSION",
        "SHA256",
        "MESSAGE",
    ]
    /// Characters of a message shown in the table (the JSON has it whole).
    static let messageWidth = 120

    /// The rows as a table: one header line, then one line per row, columns
    /// separated by two spaces and padded to the widest cell (the last
    /// column, the message, is not padded). Multi-line messages are joined.
    public static func text(_ entries: [HistoryEntry]) -> String {
        let rows = [headers] + entries.map(cells)
        var widths = [Int](repeating: 0, count: headers.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    /// The rows as a JSON array (pretty-printed, keys sorted): every column,
    /// plus `started` as an ISO 8601 time.
    public static func json(_ entries: [HistoryEntry]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entries.map(JSONRow.init))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The cells of one row.
    static func cells(_ entry: HistoryEntry) -> [String] {
        let message = entry.message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return [
            timestamp(entry.startedMs), entry.service, entry.collector, entry.executor,
            entry.deferred ? "deferred" : entry.status.rawValue,
            String(entry.attempt), duration(entry.durationMs), String(entry.assignmentVersion),
            String(entry.sha256.prefix(12)),
            message.count > messageWidth ? String(message.prefix(messageWidth - 1)) + "…" : message,
        ]
    }

    /// "2026-11-21 20:14:30.123" (UTC).
    static func timestamp(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int((ms % 1000 + 1000) % 1000)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// "850ms", "2.4s", "1m05s".
    static func duration(_ ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = (ms + 50) / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = (ms + 500) / 1000
        return String(format: "%dm%02ds", Int(seconds / 60), Int(seconds % 60))
    }

    /// One row of the JSON output.
    struct JSONRow: Encodable {
        var entry: HistoryEntry
        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: ExtraKey.self)
            try container.encode(HistoryTable.isoTimestamp(entry.startedMs), forKey: .started)
        }
        enum ExtraKey: String, CodingKey { case started }
    }

    /// "2026-11-21T20:14:30.123Z".
    static func isoTimestamp(_ ms: Int64) -> String {
        timestamp(ms).replacingOccurrences(of: " ", with: "T") + "Z"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
