import Foundation

/// The in-memory state of the simulated Consul: services with a health
/// status, KV entries, sessions and lock-delays, behind one Raft-like index
/// that grows with every write.
actor ConsulState {
    struct ServiceInstance: Sendable, Equatable {
        var id: String
        var name: String
        var node: String
        var nodeAddress: String
        var address: String
        var port: Int
        var tags: [String]
        var meta: [String: String]
        var status: String
        var check: RegisteredCheck?
        var modifyIndex: UInt64
    }

    struct KV: Sendable, Equatable {
        var value: [UInt8]
        var session: String?
        var flags: UInt64 = 0
        var createIndex: UInt64
        var modifyIndex: UInt64
        var lockIndex: UInt64 = 0
    }

    struct Session: Sendable, Equatable {
        var id: String
        var name: String
        var ttl: Duration?
        var lockDelay: Duration
        var behavior: String
        var expiresAt: ContinuousClock.Instant?
        var createIndex: UInt64
    }

    private(set) var index: UInt64 = 1
    private(set) var servicesIndex: UInt64 = 1
    private(set) var kvIndex: UInt64 = 1
    private(set) var sessionsIndex: UInt64 = 1
    var services: [String: ServiceInstance] = [:]
    var kv: [String: KV] = [:]
    var sessions: [String: Session] = [:]
    var lockDelays: [String: ContinuousClock.Instant] = [:]
    /// Multiplier of a session's TTL before it is invalidated (real Consul: 2).
    var ttlMultiplier: Double = 1

    private func bump() -> UInt64 {
        index += 1
        return index
    }

    // MARK: Services

    func upsertService(_ s: ServiceInstance) {
        var s = s
        s.modifyIndex = bump()
        services[s.id] = s
        servicesIndex = s.modifyIndex
    }

    func setStatus(id: String, status: String) {
        guard var s = services[id] else { return }
        s.status = status
        upsertService(s)
    }

    /// Sets several statuses in one step, so no watcher sees a state in between.
    func setStatuses(ids: [String], status: String) {
        for id in ids { setStatus(id: id, status: status) }
    }

    func removeService(id: String) {
        guard services.removeValue(forKey: id) != nil else { return }
        servicesIndex = bump()
    }

    func health(service: String, passingOnly: Bool, tag: String?) -> [ServiceInstance] {
        services.values.filter { s in
            s.name == service && (!passingOnly || s.status == "passing")
                && (tag == nil || s.tags.contains(tag!))
        }.sorted { ($0.node, $0.id) < ($1.node, $1.id) }
    }

    // MARK: Sessions

    func createSession(name: String, ttl: Duration?, lockDelay: Duration, behavior: String) -> String {
        let id = UUID().uuidString.lowercased()
        let i = bump()
        sessionsIndex = i
        let expires = ttl.map { ContinuousClock.now + $0 * ttlMultiplier }
        sessions[id] = Session(
            id: id, name: name, ttl: ttl, lockDelay: lockDelay, behavior: behavior, expiresAt: expires,
            createIndex: i)
        return id
    }

    /// Renews a session; nil when it does not exist.
    func renew(_ id: String) -> Session? {
        guard var s = sessions[id] else { return nil }
        s.expiresAt = s.ttl.map { ContinuousClock.now + $0 * ttlMultiplier }
        sessions[id] = s
        return s
    }

    /// Destroys (invalidates) a session: locks it holds are released (or
    /// deleted with behaviour `delete`) and get the session's lock-delay.
    func invalidate(_ id: String) {
        guard let s = sessions.removeValue(forKey: id) else { return }
        sessionsIndex = bump()
        let now = ContinuousClock.now
        for (key, entry) in kv where entry.session == id {
            if s.lockDelay > .zero { lockDelays[key] = now + s.lockDelay }
            if s.behavior == "delete" {
                kv[key] = nil
                kvIndex = bump()
            } else {
                var e = entry
                e.session = nil
                e.modifyIndex = bump()
                kv[key] = e
                kvIndex = e.modifyIndex
            }
        }
    }

    /// Invalidates every session whose TTL ran out.
    func expireSessions() {
        let now = ContinuousClock.now
        for (id, s) in sessions where s.expiresAt.map({ $0 <= now }) == true { invalidate(id) }
    }

    // MARK: KV

    func put(_ key: String, value: [UInt8]) {
        let i = bump()
        var e = kv[key] ?? KV(value: [], createIndex: i, modifyIndex: i)
        e.value = value
        e.modifyIndex = i
        kv[key] = e
        kvIndex = i
    }

    func delete(_ key: String) {
        guard kv.removeValue(forKey: key) != nil else { return }
        kvIndex = bump()
    }

    enum LockResult { case ok, refused, noSession }

    func acquire(_ key: String, session: String, value: [UInt8]) -> LockResult {
        guard sessions[session] != nil else { return .noSession }
        if let e = kv[key], let holder = e.session {
            guard holder == session else { return .refused }
            var e = e
            e.value = value
            e.modifyIndex = bump()
            kv[key] = e
            kvIndex = e.modifyIndex
            return .ok
        }
        if let until = lockDelays[key], until > ContinuousClock.now { return .refused }
        let i = bump()
        var e = kv[key] ?? KV(value: [], createIndex: i, modifyIndex: i)
        e.value = value
        e.session = session
        e.lockIndex += 1
        e.modifyIndex = i
        kv[key] = e
        kvIndex = i
        return .ok
    }

    func release(_ key: String, session: String, value: [UInt8]?) -> Bool {
        guard var e = kv[key], e.session == session else { return false }
        e.session = nil
        if let value { e.value = value }
        e.modifyIndex = bump()
        kv[key] = e
        kvIndex = e.modifyIndex
        return true
    }

    /// The X-Consul-Index of a KV read: the key's ModifyIndex, else the table's.
    func kvReadIndex(_ key: String) -> UInt64 { kv[key]?.modifyIndex ?? kvIndex }

    // MARK: Restart

    /// Forgets everything and starts the index again at `index` (a Consul
    /// server restarted without its data, or a snapshot restore).
    func reset(index: UInt64 = 1) {
        self.index = index
        servicesIndex = index
        kvIndex = index
        sessionsIndex = index
        services = [:]
        kv = [:]
        sessions = [:]
        lockDelays = [:]
    }

    /// Moves the index back to `index` keeping the data (as after a restore).
    func rewind(to index: UInt64) {
        self.index = index
        servicesIndex = min(servicesIndex, index)
        kvIndex = min(kvIndex, index)
        sessionsIndex = min(sessionsIndex, index)
        for (k, var s) in services {
            s.modifyIndex = min(s.modifyIndex, index)
            services[k] = s
        }
        for (k, var e) in kv {
            e.modifyIndex = min(e.modifyIndex, index)
            kv[k] = e
        }
    }
}

/// The check of a service registered through the agent API.
public struct RegisteredCheck: Codable, Sendable, Equatable {
    public var HTTP: String?
    public var Interval: String?
    public var Timeout: String?
    public var DeregisterCriticalServiceAfter: String?
}
