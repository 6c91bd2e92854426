/// Progress of a job as people watch it: units and hosts done, elapsed time and ETA.
public struct JobProgress: Sendable, Equatable {
    public var unitsDone: Int
    public var units: Int
    public var hostsDone: Int
    public var hosts: Int
    /// Final statuses with at least one host, in display order.
    public var counts: [(status: HostStatus, count: Int)]
    public var elapsedMs: Int64
    /// Remaining time estimated from the rate so far; nil before the first
    /// host is done or once the job has ended.
    public var etaMs: Int64?
    public var state: JobState

    public static func == (a: JobProgress, b: JobProgress) -> Bool {
        a.unitsDone == b.unitsDone && a.units == b.units && a.hostsDone == b.hostsDone && a.hosts == b.hosts
            && a.elapsedMs == b.elapsedMs && a.etaMs == b.etaMs && a.state == b.state
            && a.counts.map(\.status) == b.counts.map(\.status)
            && a.counts.map(\.count) == b.counts.map(\.count)
    }

    /// Progress of `job` at `nowMs`: elapsed from its first claim (or
    /// creation) to its end (or now); ETA = elapsed / hosts done × hosts left.
    public init(_ job: JobRecord, nowMs: Int64) {
        unitsDone = job.unitsDone
        units = job.units
        hostsDone = job.hostsDone
        hosts = job.hosts
        state = job.state
        counts = HostStatus.finals.compactMap { s in
            job.counts[s.rawValue].flatMap { $0 > 0 ? (s, $0) : nil }
        }
        let start = job.started ?? job.created
        let end = job.finished ?? nowMs
        elapsedMs = max(0, end - start)
        let ended = job.state == .done || job.state == .canceled
        if ended || hostsDone == 0 || job.started == nil {
            etaMs = nil
        } else {
            etaMs = elapsedMs * Int64(hosts - hostsDone) / Int64(hostsDone)
        }
    }

    /// `ok=40 unreachable=1`
    public var countsText: String {
        counts.isEmpty
            ? "no results yet" : counts.map { "\($0.status.rawValue)=\($0.count)" }.joined(separator: " ")
    }

    /// One plain line: `running units 3/5 hosts 30/41 ok=29 failed=1 elapsed 12s eta 4s`.
    public var line: String {
        var s = "\(state.rawValue) units \(unitsDone)/\(units) hosts \(hostsDone)/\(hosts) \(countsText)"
        s += " elapsed \(Self.format(elapsedMs))"
        if let etaMs { s += " eta \(Self.format(etaMs))" }
        return s
    }

    /// Hosts done in percent, rounded down (100 for a job without hosts).
    public var percent: Int { hosts == 0 ? 100 : hostsDone * 100 / hosts }

    /// The line for a terminal: `[#######-------]  42% running units 3/5 …`.
    ///
    /// With `columns` (the terminal's width) the result has at most
    /// `columns - 1` characters, since a line as wide as the terminal wraps on
    /// some terminals and a carriage return then redraws only its last row:
    /// the bar shrinks from `width` to ``minBarWidth`` cells, then the text is
    /// cut with `...`.
    public func bar(width: Int = 30, columns: Int? = nil) -> String {
        let text = barText
        let cells = barCells(width: width, columns: columns)
        let filled = cells * percent / 100
        var out =
            "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "] "
            + text
        if let columns, out.count > columns - 1 {
            out = String(out.prefix(max(0, columns - 4))) + "..."
        }
        return out
    }

    /// The bar's cells for `width` on a terminal of `columns`: `width`, or
    /// less so that the text fits, but at least ``minBarWidth``.
    public func barCells(width: Int = 30, columns: Int?) -> Int {
        let cells = max(1, width)
        guard let columns else { return cells }
        let room = columns - 1 - 3 - barText.count  // "[", "] ", the text
        return min(cells, max(Self.minBarWidth, room))
    }

    /// What follows the bar: ` 42% running units 3/5 …`.
    var barText: String { (percent < 10 ? "  " : percent < 100 ? " " : "") + "\(percent)% " + line }

    /// The narrowest bar ``bar(width:columns:)`` draws before it cuts the text.
    public static let minBarWidth = 10

    /// `850ms`, `12s`, `3m05s`, `1h02m`.
    public static func format(_ ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        let m = (s / 60) % 60
        return "\(s / 3600)h" + (m < 10 ? "0" : "") + "\(m)m"
    }
}
