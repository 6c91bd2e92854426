import Foundation

/// The groups a Pushgateway holds, read from its `GET /api/v1/metrics`.
///
/// Pure. Each group keeps its metric families re-rendered in the Prometheus
/// text format, so the group can be pushed to another gateway as it is
/// (without the `push_time_seconds` and `push_failure_time_seconds` the
/// gateway adds by itself).
struct ListedGroup: Sendable, Equatable {
    var key: GroupingKey
    /// The group's metrics as a text-format push body.
    var text: String
}

enum GroupListing {
    /// Families the Pushgateway adds to every group itself.
    static let gatewayFamilies: Set<String> = [
        "labels", "last_push_successful", "push_time_seconds", "push_failure_time_seconds",
    ]

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the body of `GET /api/v1/metrics`.
    static func parse(_ data: [UInt8]) throws(ParseError) -> [ListedGroup] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
            let groups = root["data"] as? [[String: Any]]
        else { throw ParseError(description: "not a Pushgateway /api/v1/metrics answer") }
        return groups.compactMap { group in
            guard let labels = group["labels"] as? [String: String], let key = GroupingKey.fromLabels(labels)
            else { return nil }
            var text = ""
            for name in group.keys.sorted() where !gatewayFamilies.contains(name) {
                guard let family = group[name] as? [String: Any] else { continue }
                text += render(name: name, family: family)
            }
            return ListedGroup(key: key, text: text)
        }
    }

    static func render(name: String, family: [String: Any]) -> String {
        let type = (family["type"] as? String ?? "UNTYPED").lowercased()
        var out = ""
        if let help = family["help"] as? String {
            out +=
                "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        }
        out += "# TYPE \(name) \(type)\n"
        for metric in family["metrics"] as? [[String: Any]] ?? [] {
            let labels = metric["labels"] as? [String: String] ?? [:]
            switch type {
            case "histogram":
                let buckets = metric["buckets"] as? [String: String] ?? [:]
                for (le, count) in buckets.sorted(by: { bound($0.key) < bound($1.key) }) {
                    out += line(name + "_bucket", labels.merging(["le": le]) { $1 }, count)
                }
                out += line(name + "_sum", labels, metric["sum"] as? String ?? "0")
                out += line(name + "_count", labels, metric["count"] as? String ?? "0")
            case "summary":
                let quantiles = metric["quantiles"] as? [String: String] ?? [:]
                for (q, value) in quantiles.sorted(by: { bound($0.key) < bound($1.key) }) {
                    out += line(name, labels.merging(["quantile": q]) { $1 }, value)
                }
                out += line(name + "_sum", labels, metric["sum"] as? String ?? "0")
                out += line(name + "_count", labels, metric["count"] as? String ?? "0")
            default:
                out += line(name, labels, metric["value"] as? String ?? "0")
            }
        }
        return out
    }

    static func bound(_ s: String) -> Double { s == "+Inf" ? .infinity : Double(s) ?? .infinity }

    static func line(_ name: String, _ labels: [String: String], _ value: String) -> String {
        let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(GroupingKey.escape($0.value))\"" }
        return pairs.isEmpty ? "\(name) \(value)\n" : "\(name){\(pairs.joined(separator: ","))} \(value)\n"
    }
}
