/// `config.remote`: the value of `consul.config_key` as the discovery child
/// read it from Consul, not yet validated (discovery → supervisor). Sent
/// when the value changed; a missing key or an unreachable Consul sends
/// nothing, so the running config is kept.
public struct RemoteConfigBody: Codable, Sendable, Equatable {
    /// The key it was read from.
    public var key: String
    /// The value as text (UTF-8; invalid bytes replaced).
    public var text: String
    public init(key: String, text: String) {
        self.key = key
        self.text = text
    }
}
