import PromshardProtocol

/// `jobs:` — the jobs engine (ansible adhoc/playbooks over many hosts, in units).
public struct JobsSettings: Codable, Sendable, Equatable {
    /// `store`: `sqlite` (`<state_dir>/jobs.sqlite`, the default) or a
    /// `postgres://user:pass@host:port/db` URL. Never log it as is: use
    /// ``redactedStore``.
    public var store: String = "sqlite"
    /// `workers`: units this instance runs at once (default 4).
    public var workers: Int = 4
    /// `unit_size`: hosts per unit (default 30).
    public var unitSize: Int = 30
    /// `timeout`: default deadline of one unit (default 10m).
    public var timeout: Duration = .seconds(600)
    /// `lease`: a unit whose instance stops renewing for this long is taken over (default 30s).
    public var lease: Duration = .seconds(30)
    /// `kill_grace`: SIGTERM → SIGKILL delay at a unit's deadline (default 5s).
    public var killGrace: Duration = .seconds(5)
    /// `executor`: `ansible` or the path of a plugin (protocol v1, request kind `job`).
    public var executor: String = "ansible"
    /// `params`: passed to the executor untouched (ssh settings of the ansible executor).
    public var params: [String: JSONValue] = [:]

    public init() {}

    /// The store with any password of a `postgres://` URL replaced by `<redacted>`.
    public var redactedStore: String { Self.redact(store) }

    /// `postgres://user:secret@host/db` → `postgres://user:<redacted>@host/db`.
    public static func redact(_ store: String) -> String {
        guard let scheme = store.range(of: "://"), let at = store[scheme.upperBound...].lastIndex(of: "@")
        else { return store }
        let credentials = store[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return store }
        return String(store[..<colon]) + ":<redacted>" + String(store[at...])
    }
}
