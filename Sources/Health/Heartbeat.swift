import PromshardConfig
import PromshardProtocol
import PromshardZabbix

/// What the Zabbix heartbeat sends, and how an answer is judged. Pure.
///
/// The `key` item gets 1 when promshard is healthy — every child runs, every
/// service has a healthy collector and no service is stuck without a
/// successful delivery (``StatusBuilder``) — and 0 otherwise. The optional
/// `status_key` item gets a one-line text summary.
public enum Heartbeat {
    /// The value of the `key` item.
    public static func value(_ status: StatusBody) -> Int { status.healthy ? 1 : 0 }

    /// A short summary for the `status_key` item (at most 255 characters).
    public static func summary(_ status: StatusBody) -> String {
        var parts: [String] = ["children \(status.childrenUp)/\(status.childrenTotal)"]
        for s in status.services {
            parts.append(
                "\(s.service): \(s.collectorsHealthy)/\(s.collectorsTotal) collectors, \(s.targets) targets")
        }
        var text = (status.healthy ? "OK: " : "PROBLEM: ") + parts.joined(separator: "; ")
        if !status.reasons.isEmpty { text += " | " + status.reasons.joined(separator: "; ") }
        if text.count > 255 { text = String(text.prefix(252)) + "..." }
        return text
    }

    /// The request for one heartbeat at Unix time `seconds`.`nanoseconds`.
    public static func request(
        status: StatusBody, settings: ZabbixSettings, seconds: Int64, nanoseconds: Int64
    )
        -> SenderRequest
    {
        var items = [
            SenderItem(
                host: settings.host, key: settings.key, value: String(value(status)), clock: seconds,
                ns: nanoseconds)
        ]
        if let statusKey = settings.statusKey {
            items.append(
                SenderItem(
                    host: settings.host, key: statusKey, value: summary(status), clock: seconds,
                    ns: nanoseconds))
        }
        return SenderRequest(data: items, clock: seconds, ns: nanoseconds)
    }

    /// How a send ended, for logs and the `result` label of the metric.
    public enum Outcome: Equatable, Sendable {
        /// Every value processed.
        case ok(server: String)
        /// The server answered but refused some values: a configuration problem.
        case rejected(server: String, response: SenderResponse, hint: String)
        /// No server could be reached or none answered.
        case unreachable(String)
        /// An answer that is not a sender answer.
        case error(String)

        /// The `result` label value.
        public var label: String {
            switch self {
            case .ok: "ok"
            case .rejected: "rejected"
            case .unreachable: "unreachable"
            case .error: "error"
            }
        }
    }

    /// Judges the result of a send.
    public static func outcome(_ result: Result<ZabbixSender.Delivery, ZabbixError>, settings: ZabbixSettings)
        -> Outcome
    {
        switch result {
        case .success(let d) where d.response.allProcessed: return .ok(server: d.server)
        case .success(let d): return .rejected(server: d.server, response: d.response, hint: hint(settings))
        case .failure(.badAnswer(let why)): return .error(why)
        case .failure(let e): return .unreachable(e.description)
        }
    }

    /// What to check in Zabbix when it refuses values.
    public static func hint(_ settings: ZabbixSettings) -> String {
        var keys = "item \"\(settings.key)\" (Zabbix trapper, type of information Numeric (unsigned))"
        if let s = settings.statusKey {
            keys += " and item \"\(s)\" (Zabbix trapper, type of information Text)"
        }
        return
            "check in Zabbix that host \"\(settings.host)\" exists (its host name, not the visible name) and is enabled, that it has \(keys), enabled, and that the items' \"Allowed hosts\" (if set) include this machine's address; see docs/ZABBIX.md"
    }
}
