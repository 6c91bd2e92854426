import Foundation

/// How `promshard job` prints jobs and results: aligned text tables or JSON
/// (the contract's field names).
public enum JobTable {
    /// Sorted-key JSON of any encodable value, with a final newline.
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null") + "\n"
    }

    /// `ID  STATE  HOSTS  UNITS  COUNTS  TASK`, newest first.
    public static func jobs(_ jobs: [JobRecord], nowMs: Int64) -> String {
        let rows = jobs.map { j -> [String] in
            let p = JobProgress(j, nowMs: nowMs)
            return [
                j.id, j.state.rawValue, "\(p.hostsDone)/\(j.hosts)", "\(j.unitsDone)/\(j.units)",
                p.countsText,
                JobProgress.format(p.elapsedMs), j.task.summary,
            ]
        }
        return table([["ID", "STATE", "HOSTS", "UNITS", "COUNTS", "ELAPSED", "TASK"]] + rows)
    }

    /// `HOST  STATUS  RC  UNIT  [JOB]  TASKS  OUTPUT` (the first line of stdout, or msg/stderr).
    public static func results(_ results: [HostResult], withJob: Bool) -> String {
        var header = ["HOST", "STATUS", "RC", "UNIT"]
        if withJob { header.insert("JOB", at: 0) }
        header += ["TASKS", "OUTPUT"]
        let rows = results.map { r -> [String] in
            var row = [r.host, r.status.rawValue, r.rc.map(String.init) ?? "-", String(r.unit)]
            if withJob { row.insert(r.job, at: 0) }
            let tasks =
                r.tasks.map { t in
                    "ok=\(t.ok) changed=\(t.changed) failed=\(t.failed) rate=\(t.successRate.map { String(format: "%.0f%%", $0 * 100) } ?? "-")"
                } ?? "-"
            let text = [r.stdout, r.msg, r.stderr].first { !$0.isEmpty } ?? ""
            var first = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if first.count > 100 { first = String(first.prefix(99)) + "…" }
            return row + [tasks, first]
        }
        return table([header] + rows)
    }

    static func table(_ rows: [[String]]) -> String {
        guard let count = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { row in
            var line = row.enumerated().map { i, c in
                i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
