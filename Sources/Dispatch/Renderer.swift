import PromshardProtocol

/// Renders a collector's targets as a Prometheus file_sd JSON document.
///
/// Pure and canonical: groups with the same labels are merged, targets are
/// sorted and de-duplicated, groups are sorted by their labels, label names
/// are sorted. Equal input gives byte-identical output whatever the order
/// it arrived in; an empty share renders as `[]`.
///
/// Written straight to bytes (``JSONWriter`` escapes exactly as ``quote(_:)``).
public enum Renderer {
    public static func render(_ groups: [TargetGroup]) -> [UInt8] {
        var merged: [[String: String]: [String]] = [:]
        for group in groups where !group.targets.isEmpty {
            merged[group.labels, default: []].append(contentsOf: group.targets)
        }
        let ordered = merged.map { (labels: $0.key, key: canonical($0.key), targets: sortedUnique($0.value)) }
            .sorted { $0.key < $1.key }
        guard !ordered.isEmpty else { return Array("[]\n".utf8) }
        var out = JSONWriter(capacity: ordered.reduce(64) { $0 + 96 + $1.targets.count * 32 })
        out.raw("[\n")
        for (i, group) in ordered.enumerated() {
            out.raw("  {\n    \"labels\": {")
            let names = group.labels.keys.sorted()
            if names.isEmpty {
                out.raw("},\n")
            } else {
                out.byte(0x0A)
                for (j, name) in names.enumerated() {
                    out.raw("      ")
                    out.string(name)
                    out.raw(": ")
                    out.string(group.labels[name]!)
                    out.raw(j == names.count - 1 ? "\n" : ",\n")
                }
                out.raw("    },\n")
            }
            out.raw("    \"targets\": [\n")
            for (j, target) in group.targets.enumerated() {
                out.raw("      ")
                out.string(target)
                out.raw(j == group.targets.count - 1 ? "\n" : ",\n")
            }
            out.raw("    ]\n  }")
            out.raw(i == ordered.count - 1 ? "\n" : ",\n")
        }
        out.raw("]\n")
        return out.bytes
    }

    /// The targets sorted, each once. ASCII strings compare and equal byte by byte, so sorting
    /// and dropping neighbours is enough; otherwise a set decides what is equal (Unicode
    /// canonical equivalence, as `String` does), the first of equals is kept, and the sort
    /// starts from the input order (so the result never depends on a set's iteration order).
    static func sortedUnique(_ targets: [String]) -> [String] {
        if targets.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            var sorted = targets.sorted()
            var kept = 0
            for i in sorted.indices where i == 0 || sorted[i] != sorted[kept - 1] {
                sorted.swapAt(kept, i)
                kept += 1
            }
            sorted.removeLast(sorted.count - kept)
            return sorted
        }
        var seen = Set<String>()
        var unique: [String] = []
        for t in targets where seen.insert(t).inserted { unique.append(t) }
        return unique.sorted()
    }

    /// A sort key for a label set: names sorted, joined unambiguously.
    static func canonical(_ labels: [String: String]) -> String {
        labels.keys.sorted().map { "\(quote($0))=\(quote(labels[$0]!))" }.joined(separator: ",")
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
