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

    /// A bar of `width` cells for a terminal: `[#######-------]  units 3/5 …`.
    public func bar(width: Int = 30) -> String {
        let filled = hosts == 0 ? width : width * hostsDone / hosts
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] "
            + line
    }

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
