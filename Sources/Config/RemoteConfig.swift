/// The config held in Consul KV under `consul.config_key`: how its text is
/// validated and merged with the local file. Pure: no I/O.
///
/// The key holds a whole promshard YAML config. The running config is that
/// value with `state_dir` and `consul` taken from the local file (they say
/// where promshard keeps its state and which Consul it reads the key from,
/// so a remote value must not move them). Relative paths in the value are
/// resolved against the local file's directory.
public enum RemoteConfig {
    /// The name errors in the value of `key` carry: `consul:<key>`, so a
    /// message reads `consul:promshard/config:12: services[0].name: ...`.
    public static func displayName(key: String) -> String { "consul:\(key)" }

    /// Validates the text of `key` as a promshard config (the same rules
    /// as a file, except that `services` must not be empty) and merges it
    /// with `local`. Throws every problem found, ordered by line.
    public static func parse(_ text: String, key: String, local: PromshardConfig) throws(ConfigErrors)
        -> PromshardConfig
    {
        let remote = try ConfigLoader.decode(
            bytes: Array(text.utf8), sourcePath: local.sourcePath, displayName: displayName(key: key),
            remote: true)
        return merge(local: local, remote: remote)
    }

    /// `remote` with `state_dir`, `consul` and the source path of `local`.
    public static func merge(local: PromshardConfig, remote: PromshardConfig) -> PromshardConfig {
        var merged = remote
        merged.sourcePath = local.sourcePath
        merged.stateDir = local.stateDir
        merged.consul = local.consul
        return merged
    }
}
