import Foundation

/// The server's answer to a `sender data` request. Pure.
///
/// Zabbix ≥ 2 answers `{"response":"success","info":"processed: 1; failed: 0;
/// total: 1; seconds spent: 0.000055"}`; 1.8 wrote `Processed 1 Failed 0
/// Total 1 Seconds spent 0.000055`. Both are read case-insensitively.
public struct SenderResponse: Sendable, Equatable {
    /// `response`: "success" or "failed".
    public var response: String
    /// `info` as sent.
    public var info: String
    public var processed: Int
    public var failed: Int
    public var total: Int
    /// `seconds spent`, when present.
    public var secondsSpent: Double?

    public init(
        response: String, info: String, processed: Int, failed: Int, total: Int, secondsSpent: Double? = nil
    ) {
        self.response = response
        self.info = info
        self.processed = processed
        self.failed = failed
        self.total = total
        self.secondsSpent = secondsSpent
    }

    /// Whether every value was accepted.
    public var allProcessed: Bool { response.lowercased() == "success" && failed == 0 && processed == total }

    /// Parses the JSON data of an answer packet.
    public static func parse(_ data: [UInt8]) throws(ZabbixError) -> SenderResponse {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else {
            throw .badAnswer("not a JSON object: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        guard let response = object["response"] as? String else {
            throw .badAnswer("no \"response\" in the answer")
        }
        let info = (object["info"] as? String) ?? ""
        guard let counts = parseInfo(info) else {
            if response.lowercased() != "success" {
                // e.g. {"response":"failed","info":"..."}: nothing was processed.
                return SenderResponse(response: response, info: info, processed: 0, failed: 0, total: 0)
            }
            throw .badAnswer("cannot read counts in info \"\(info)\"")
        }
        return SenderResponse(
            response: response, info: info, processed: counts.processed, failed: counts.failed,
            total: counts.total,
            secondsSpent: counts.seconds)
    }

    /// Reads `processed`, `failed`, `total` and `seconds spent` from an info
    /// text, in either format, case-insensitively; nil when they are missing.
    public static func parseInfo(
        _ info: String
    ) -> (processed: Int, failed: Int, total: Int, seconds: Double?)? {
        let text = info.lowercased()
        func number(after word: String) -> String? {
            guard let range = text.range(of: word) else { return nil }
            var rest = text[range.upperBound...].drop { $0 == ":" || $0 == " " || $0 == "=" || $0 == "\t" }
            rest = rest.prefix { $0.isNumber || $0 == "." }
            return rest.isEmpty ? nil : String(rest)
        }
        guard let p = number(after: "processed").flatMap({ Int($0) }),
            let f = number(after: "failed").flatMap({ Int($0) }),
            let t = number(after: "total").flatMap({ Int($0) })
        else { return nil }
        return (p, f, t, number(after: "seconds spent").flatMap { Double($0) })
    }
}
