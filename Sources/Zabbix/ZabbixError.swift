/// Why a send to Zabbix did not happen or was not understood.
public enum ZabbixError: Error, Equatable, CustomStringConvertible {
    /// The server could not be reached (connect failed or timed out).
    case unreachable(server: String, reason: String)
    /// The connection broke or timed out while sending or reading.
    case io(server: String, reason: String)
    /// The answer is not a sender answer.
    case badAnswer(String)
    /// A `host:port` that cannot be used.
    case badServer(String)

    public var description: String {
        switch self {
        case .unreachable(let s, let r): "zabbix server \(s) unreachable: \(r)"
        case .io(let s, let r): "zabbix server \(s): \(r)"
        case .badAnswer(let why): "bad answer from zabbix: \(why)"
        case .badServer(let s): "invalid zabbix server address \"\(s)\" (expected host:port)"
        }
    }
}
