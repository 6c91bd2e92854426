import PromshardProtocol

/// Renders metric families in the Prometheus text exposition format
/// (version 0.0.4). Pure.
public enum PrometheusText {
    /// The `Content-Type` of the output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition text of `families`, in the given order.
    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for family in families {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                switch family.kind {
                case .counter, .gauge:
                    out += "\(family.name)\(labels(sample.labels)) \(number(sample.value))\n"
                case .histogram:
                    let bounds = family.bounds ?? []
                    let buckets = sample.buckets ?? []
                    for (i, bound) in bounds.enumerated() {
                        let n = i < buckets.count ? buckets[i] : 0
                        out += "\(family.name)_bucket\(labels(sample.labels, le: number(bound))) \(n)\n"
                    }
                    let count = sample.count ?? 0
                    out += "\(family.name)_bucket\(labels(sample.labels, le: "+Inf")) \(count)\n"
                    out += "\(family.name)_sum\(labels(sample.labels)) \(number(sample.value))\n"
                    out += "\(family.name)_count\(labels(sample.labels)) \(count)\n"
                }
            }
        }
        return out
    }

    /// `{a="1",b="2"}` with sorted names, or "" without labels.
    static func labels(_ labels: [String: String], le: String? = nil) -> String {
        var parts = labels.keys.sorted().map { "\($0)=\"\(escapeLabel(labels[$0]!))\"" }
        if let le { parts.append("le=\"\(le)\"") }
        return parts.isEmpty ? "" : "{\(parts.joined(separator: ","))}"
    }

    /// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
