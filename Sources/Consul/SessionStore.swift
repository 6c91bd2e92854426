import Foundation

/// Keeps the leader session ID in `state_dir/consul/session-<cluster>` so a
/// restarted discovery child reuses a still-valid session and keeps the
/// lock instead of waiting out TTL and lock-delay.
public struct SessionStore: Sendable {
    public let path: String

    public init(stateDir: String, cluster: String) {
        let safe = String(cluster.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        path = "\(stateDir)/consul/session-\(safe)"
    }

    /// The stored session ID, if any.
    public func load() -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }

    /// Stores the session ID (atomically).
    public func save(_ id: String) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? Data((id + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Forgets the stored session.
    public func clear() { try? FileManager.default.removeItem(atPath: path) }
}
