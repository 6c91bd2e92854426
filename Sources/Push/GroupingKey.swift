/// The grouping key of a push: its job and label pairs, decoded and sorted
/// by label name, so that label order and `@base64` encoding never split a
/// group between gateways.
///
/// Pure. Parsed from `/metrics/job/<job>{/<label>/<value>}` where the job
/// segment may be `job@base64/<b64>` and any label name may carry
/// `@base64` to say its value is base64 (URL-safe, padding optional).
public struct GroupingKey: Sendable, Hashable, CustomStringConvertible {
    /// The `job` label.
    public var job: String
    /// The other grouping labels, by name.
    public var labels: [String: String]

    public init(job: String, labels: [String: String] = [:]) {
        self.job = job
        self.labels = labels
    }

    /// A path that is not a push path, with why.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The key hashed to choose the owner and shown by `GET /metrics/job/...`:
    /// `{job="a",instance="b"}`, labels after `job` in name order, values escaped
    /// as in the Prometheus text format.
    public var description: String {
        let pairs = [("job", job)] + labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return "{" + pairs.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// The path that names this group on any Pushgateway, every value `@base64`
    /// (so no value can change the path's shape).
    public var path: String {
        var out = "/metrics/job@base64/" + Base64URL.encode(job)
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            out += "/\(name)@base64/" + Base64URL.encode(value)
        }
        return out
    }

    /// Parses a request path (without query), percent-encoded as received.
    public static func parse(path: String) -> Result<GroupingKey, ParseError> {
        let prefix = "/metrics/"
        guard path.hasPrefix(prefix) else { return .failure(ParseError(message: "not a push path: \(path)")) }
        var segments = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        // A trailing slash after a value is tolerated, as by the Pushgateway.
        if segments.count % 2 == 1, segments.last == "" { segments.removeLast() }
        guard segments.count >= 2, segments.count % 2 == 0 else {
            return .failure(
                ParseError(message: "expected /metrics/job/<job>{/<label>/<value>}, got \(path)"))
        }
        var pairs: [(String, String)] = []
        for i in stride(from: 0, to: segments.count, by: 2) {
            guard var name = percentDecode(segments[i]), let raw = percentDecode(segments[i + 1]) else {
                return .failure(ParseError(message: "bad percent-encoding in \(path)"))
            }
            var value = raw
            if name.hasSuffix("@base64") {
                name.removeLast("@base64".count)
                guard let decoded = Base64URL.decode(raw) else {
                    return .failure(ParseError(message: "invalid base64 value \"\(raw)\" for label \(name)"))
                }
                value = decoded
            }
            guard isLabelName(name) else {
                return .failure(ParseError(message: "invalid label name \"\(name)\" in \(path)"))
            }
            pairs.append((name, value))
        }
        guard pairs[0].0 == "job" else {
            return .failure(ParseError(message: "a push path starts with /metrics/job/, got \(path)"))
        }
        guard !pairs[0].1.isEmpty else { return .failure(ParseError(message: "job name is empty")) }
        var labels: [String: String] = [:]
        for (name, value) in pairs.dropFirst() {
            guard name != "job", labels[name] == nil else {
                return .failure(ParseError(message: "label \(name) given twice in \(path)"))
            }
            labels[name] = value
        }
        return .success(GroupingKey(job: pairs[0].1, labels: labels))
    }

    /// The grouping key of a group as listed by `GET /api/v1/metrics`; nil without `job`.
    public static func fromLabels(_ labels: [String: String]) -> GroupingKey? {
        guard let job = labels["job"] else { return nil }
        var rest = labels
        rest["job"] = nil
        return GroupingKey(job: job, labels: rest)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.utf8.first else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        return letter(first) && s.utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func percentDecode(_ s: String) -> String? {
        s.contains("%") ? s.removingPercentEncoding : s
    }
}
