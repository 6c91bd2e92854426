/// `push:` — the Pushgateway router (the `push` child).
///
/// Pushes to `listen` are sent to the gateway that owns their group, chosen
/// by rendezvous hashing of the grouping key over the healthy gateways.
public struct PushSettings: Codable, Sendable, Equatable {
    /// `mode`: how a push reaches its gateway.
    public enum Mode: String, Codable, Sendable, Equatable, CaseIterable {
        /// The router forwards the request and passes the gateway's answer back (default).
        case proxy
        /// The router answers `307 Temporary Redirect` to the owning gateway.
        case redirect
    }

    /// `listen`, `host:port` (default `127.0.0.1:9091`, the Pushgateway's own port).
    public var listen: String = "127.0.0.1:9091"
    public var mode: Mode = .proxy
    /// `gateways`: static and/or Consul, health-checked like collectors.
    public var gateways: CollectorsConfig
    /// `timeout` (promshard extension): deadline of one forwarded request,
    /// and of reading a client's request (default 10s).
    public var timeout: Duration = .seconds(10)
    /// `max_body_bytes` (promshard extension): largest push body accepted;
    /// a larger one is answered 413 (default 16 MiB).
    public var maxBodyBytes: Int = 16 << 20
    /// `reconcile_interval` (promshard extension): how often copies of groups
    /// left on gateways that do not own them are looked for, besides after
    /// every change of the gateway set (default 30s).
    public var reconcileInterval: Duration = .seconds(30)

    public init(
        listen: String = "127.0.0.1:9091", mode: Mode = .proxy, gateways: CollectorsConfig,
        timeout: Duration = .seconds(10), maxBodyBytes: Int = 16 << 20,
        reconcileInterval: Duration = .seconds(30)
    ) {
        self.listen = listen
        self.mode = mode
        self.gateways = gateways
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.reconcileInterval = reconcileInterval
    }
}
