/// Units of Prometheus-style durations, largest first, in milliseconds.
private let durationUnits: [(name: String, milliseconds: Int64)] = [
    ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
    ("s", 1_000), ("ms", 1),
]

/// Parses a Prometheus-style duration: one or more `<integer><unit>` parts
/// with units `y` (365d), `w`, `d`, `h`, `m`, `s`, `ms`, each at most once and
/// from largest to smallest (`1h30m`, `1m30s`, `500ms`), or a bare `0`.
///
/// Returns nil for empty text, signs, spaces, fractions (`1.5s`), a missing or
/// unknown unit (`10`, `10x`), units out of order (`30s1m`) or overflow.
public func parseDuration(_ s: String) -> Duration? {
    if s == "0" { return .zero }
    let bytes = Array(s.utf8)
    guard !bytes.isEmpty else { return nil }
    var i = 0
    var total: Int64 = 0
    var lastUnit = -1
    while i < bytes.count {
        var value: Int64 = 0
        let digitsStart = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(bytes[i] - 0x30))
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        guard i > digitsStart else { return nil }
        let unitStart = i
        while i < bytes.count, bytes[i] >= UInt8(ascii: "a"), bytes[i] <= UInt8(ascii: "z") { i += 1 }
        let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
        guard let index = durationUnits.firstIndex(where: { $0.name == unit }), index > lastUnit else {
            return nil
        }
        lastUnit = index
        let (part, o3) = value.multipliedReportingOverflow(by: durationUnits[index].milliseconds)
        let (sum, o4) = total.addingReportingOverflow(part)
        guard !o3, !o4 else { return nil }
        total = sum
    }
    return .milliseconds(total)
}

/// Formats a duration the way Prometheus does: largest units first, zero
/// parts omitted (`90s` → `1m30s`, `7d` → `1w`, `1500ms` → `1s500ms`, zero →
/// `0s`). Millisecond precision (sub-millisecond parts are truncated);
/// negative durations get a leading `-`. `parseDuration(formatDuration(d))`
/// gives back `d` for every non-negative whole-millisecond duration.
public func formatDuration(_ d: Duration) -> String {
    if d < .zero { return "-" + formatDuration(.zero - d) }
    let (seconds, attoseconds) = d.components
    let (secondsMs, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    let (sum, overflow2) = secondsMs.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
    var remaining = overflow || overflow2 ? Int64.max : sum
    if remaining <= 0 { return "0s" }
    var out = ""
    for unit in durationUnits {
        let count = remaining / unit.milliseconds
        if count > 0 {
            out += "\(count)\(unit.name)"
            remaining -= count * unit.milliseconds
        }
    }
    return out
}
