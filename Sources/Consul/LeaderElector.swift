import Foundation
import Logging
import PromshardConfig
import PromshardProtocol

/// Runs ``LeaderElection`` against Consul: creates and renews the session,
/// watches the lock key with blocking reads, acquires it when free, and
/// reports every change of leadership as a ``LeaderBody``.
public actor LeaderElector {
    private let client: ConsulClient
    private let settings: ConsulSettings
    private let instance: String
    private let store: SessionStore
    private let report: @Sendable (LeaderBody) -> Void
    private let logger = Logger(label: "consul.leader")
    private var election: LeaderElection
    private var holderName: String?
    private var lastError: String?
    private var lastReported: LeaderBody?
    private var task: Task<Void, Never>?
    private let clock = ContinuousClock()
    private let epoch = ContinuousClock.now

    public init(
        settings: ConsulSettings, stateDir: String, instance: String,
        report: @escaping @Sendable (LeaderBody) -> Void
    ) {
        self.client = ConsulClient(settings)
        self.settings = settings
        self.instance = instance
        self.store = SessionStore(stateDir: stateDir, cluster: settings.cluster)
        self.report = report
        self.election = LeaderElection(ttl: settings.sessionTTL)
    }

    private var now: Duration { clock.now - epoch }
    private var key: String { settings.lockKeyOrDefault }
    private var kvPath: String { "/v1/kv/" + ConsulClient.escapePath(key) }

    /// The current state as a bus body.
    public var state: LeaderBody {
        LeaderBody(
            enabled: true, isLeader: election.isLeader, holder: election.isLeader ? instance : holderName,
            session: election.session, key: key, error: lastError)
    }

    /// Starts the election loop.
    public func start() {
        guard task == nil else { return }
        if let id = store.load() { election.adopt(id) }
        publish()
        task = Task { await self.loop() }
    }

    /// Stops the loop without telling Consul anything, as a crash would
    /// (tests use it to simulate SIGKILL): the session expires after its TTL.
    public func abandon() {
        task?.cancel()
        task = nil
    }

    /// Stops the loop; if leader, releases the lock; destroys the session so
    /// a follower takes over at once (release first: destroying a session
    /// that holds a lock would start the lock-delay).
    public func resign() async {
        task?.cancel()
        task = nil
        guard let session = election.session else { return }
        if election.isLeader {
            election.acquired(false, at: now)
            publish()
            do {
                _ = try await client.request(
                    "PUT", kvPath, query: [("release", session)],
                    body: LockHolder(instance: instance, pid: getpid()).bytes,
                    timeout: .seconds(2))
                logger.info("released the leader lock", metadata: ["key": "\(key)"])
            } catch {
                logger.warning("cannot release the leader lock", metadata: ["error": "\(error)"])
            }
        }
        do {
            _ = try await client.request("PUT", "/v1/session/destroy/\(session)", timeout: .seconds(2))
        } catch {
            logger.warning("cannot destroy the session", metadata: ["error": "\(error)"])
        }
        store.clear()
        election.resigned()
        publish()
    }

    private func loop() async {
        var backoff = Backoff(initial: .milliseconds(500), max: .seconds(5))
        var index = BlockingIndex()
        while !Task.isCancelled {
            let step = election.next(at: now)
            do {
                switch step {
                case .createSession: try await createSession()
                case .renewSession: try await renew()
                case .acquire: try await acquire()
                case .watch(let wait): try await watch(index: &index, wait: wait)
                }
                backoff.succeeded()
                if lastError != nil {
                    lastError = nil
                    logger.info("consul reachable again")
                }
            } catch {
                if Task.isCancelled { break }
                election.failed(at: now)
                index.reset()
                let message = "\(error)"
                if message != lastError {
                    logger.warning("leader election: consul call failed", metadata: ["error": "\(message)"])
                }
                lastError = message
                publish()
                var delay = backoff.failed()
                if let stepDown = election.stepDownAt {
                    delay = max(.milliseconds(50), min(delay, stepDown - now))
                }
                try? await Task.sleep(for: delay)
                continue
            }
            publish()
        }
    }

    private func createSession() async throws(ConsulError) {
        let body: [String: String] = [
            "Name": "promshard/\(settings.cluster)/\(instance)", "TTL": Self.goDuration(settings.sessionTTL),
            "LockDelay": Self.goDuration(settings.lockDelay), "Behavior": "release",
        ]
        let bytes = (try? [UInt8](JSONEncoder().encode(body))) ?? []
        let response = try await client.request("PUT", "/v1/session/create", body: bytes)
        struct Created: Decodable { var ID: String }
        guard let created = try? JSONDecoder().decode(Created.self, from: Data(response.body)) else {
            throw .badAnswer(request: "PUT /v1/session/create", reason: "no ID in \(response.status) answer")
        }
        election.sessionCreated(created.ID, at: now)
        store.save(created.ID)
        logger.info(
            "session created", metadata: ["session": "\(created.ID)", "ttl": "\(settings.sessionTTL)"])
    }

    private func renew() async throws(ConsulError) {
        guard let session = election.session else { return }
        let response = try await client.request("PUT", "/v1/session/renew/\(session)")
        if response.status == 404 {
            let wasLeader = election.isLeader
            election.sessionInvalid()
            store.clear()
            logger.log(
                level: wasLeader ? .warning : .info, "session no longer exists, creating a new one",
                metadata: ["session": "\(session)", "was_leader": "\(wasLeader)"])
        } else {
            election.renewed(at: now)
        }
    }

    private func acquire() async throws(ConsulError) {
        guard let session = election.session else { return }
        let response: ConsulResponse
        do {
            response = try await client.request(
                "PUT", kvPath, query: [("acquire", session)],
                body: LockHolder(instance: instance, pid: getpid()).bytes)
        } catch {
            // Consul answers 500 "invalid session" when the session was invalidated
            // since the last renewal: start over with a new one at once.
            if case .status(_, 500, let message) = error, message.lowercased().contains("session") {
                election.sessionInvalid()
                store.clear()
            }
            throw error
        }
        let ok =
            String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            == "true"
        election.acquired(ok, at: now)
        if ok {
            logger.info("acquired the leader lock: this instance dispatches", metadata: ["key": "\(key)"])
        }
    }

    private func watch(index: inout BlockingIndex, wait: Duration) async throws(ConsulError) {
        var query: [(String, String?)] = []
        let waitMs = max(100, wait.wholeMilliseconds)
        if let i = index.queryValue { query += [("index", i), ("wait", "\(waitMs)ms")] }
        let response = try await client.request(
            "GET", kvPath, query: query, timeout: wait + wait / 16 + .seconds(3))
        index.observe(response.index)
        var entry: KVEntry?
        if response.status == 200 {
            entry = (try? JSONDecoder().decode([KVEntry].self, from: Data(response.body)))?.first
        }
        let wasLeader = election.isLeader
        election.observed(holder: entry?.Session, at: now)
        holderName = entry?.Session == nil ? nil : entry?.holder?.instance
        if wasLeader && !election.isLeader {
            logger.warning("lost the leader lock", metadata: ["holder": "\(holderName ?? "none")"])
        }
    }

    private func publish() {
        let body = state
        guard body != lastReported else { return }
        lastReported = body
        report(body)
    }

    /// A duration as Consul (Go) writes it: `15s`, `1500ms`.
    static func goDuration(_ d: Duration) -> String {
        let ms = d.wholeMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}
