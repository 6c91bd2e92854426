import Foundation

/// Renders benchmark rows as a Markdown table or as JSON.
enum Report {
    static let header =
        "| scheme | targets | collectors | max/avg | std/avg | moved +1 | +1 / ideal | moved −1 | −1 / ideal | time | peak RSS |"
    static let rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

    static func line(_ row: BenchRow) -> String {
        let cells = [
            row.scheme, "\(row.targets)", "\(row.collectors)",
            fixed(row.maxOverAvg, 3), fixed(row.stdOverAvg, 4),
            percent(row.addMoved), fixed(row.addRatio, 3),
            percent(row.removeMoved), fixed(row.removeRatio, 3),
            fixed(row.seconds * 1000, 1) + " ms", "\(row.peakRSS / (1 << 20)) MB",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    static func json(_ rows: [BenchRow], machine: String) -> String {
        let items = rows.map { row in
            """
                {"scheme": "\(row.scheme)", "targets": \(row.targets), "collectors": \(row.collectors), \
            "max_over_avg": \(row.maxOverAvg), "std_over_avg": \(row.stdOverAvg), \
            "moved_add": \(row.addMoved), "moved_add_over_ideal": \(row.addRatio), \
            "moved_remove": \(row.removeMoved), "moved_remove_over_ideal": \(row.removeRatio), \
            "seconds": \(row.seconds), "peak_rss_bytes": \(row.peakRSS)}
            """
        }
        return "{\n  \"machine\": \"\(machine)\",\n  \"rows\": [\n" + items.joined(separator: ",\n")
            + "\n  ]\n}\n"
    }

    private static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "∞"
    }

    private static func percent(_ value: Double) -> String {
        String(format: "%.2f%%", value * 100)
    }
}
