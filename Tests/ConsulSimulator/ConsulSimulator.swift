import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PromshardTestSupport
import ServiceLifecycle

/// A small in-process Consul HTTP API for tests, on 127.0.0.1.
///
/// It follows Consul's documented behaviour for the endpoints promshard
/// uses (see docs/CONSUL.md for what is covered and what is not): blocking
/// queries on `index`/`wait` that really block until a change or the wait
/// (plus up to wait/16 jitter) expires, `X-Consul-Index` on reads, the
/// `passing` filter, agent service registration, sessions with TTL and
/// lock-delay, KV `acquire`/`release`, and 403 for a missing or wrong
/// `X-Consul-Token` when ``aclToken`` is set.
///
/// Tests drive it directly: ``setService(...)``, ``setStatus(id:status:)``,
/// ``reset(index:)`` (a Consul restart that lost its data), ``rewind(to:)``
/// (the index going backwards), ``stop()`` / ``start()`` (down for a while,
/// same port, state kept, session TTLs keep running).
public final class ConsulSimulator: @unchecked Sendable {
    public let port: Int
    let state = ConsulState()
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var group: ServiceGroup?
    private var _stopping = false
    private var stopping: Bool { lock.withLock { _stopping } }
    private var expiry: Task<Void, Never>?
    private var _aclToken: String?
    private var _requests: [String] = []

    /// When set, every request must carry this `X-Consul-Token` (else 403).
    public var aclToken: String? {
        get { lock.withLock { _aclToken } }
        set { lock.withLock { _aclToken = newValue } }
    }

    /// "METHOD /path?query" of every request received, in order.
    public var requests: [String] { lock.withLock { _requests } }

    /// Creates a simulator on `port` (call ``start()``).
    public init(port: Int) {
        self.port = port
    }

    /// Starts serving (again); returns once the port accepts connections.
    public func start() async throws {
        let app = Application(
            responder: CallbackResponder { [self] (request: Request, _: BasicRequestContext) in
                await self.handle(request)
            },
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "consul-simulator"),
            logger: {
                var l = Logger(label: "consul-simulator")
                l.logLevel = .critical
                return l
            }())
        let logger = {
            var l = Logger(label: "consul-simulator")
            l.logLevel = .critical
            return l
        }()
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let t = Task { _ = try? await group.run() }
        lock.withLock {
            task = t
            self.group = group
            _stopping = false
        }
        if expiry == nil {
            let state = self.state
            expiry = Task {
                while !Task.isCancelled {
                    await state.expireSessions()
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        // Wait until the listener is up.
        for _ in 0..<200 {
            if Self.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SimulatorError("consul simulator did not start on 127.0.0.1:\(port)")
    }

    /// Stops serving (connections refused); the state and TTL timers go on.
    public func stop() async {
        let (t, g) = lock.withLock { () -> (Task<Void, Never>?, ServiceGroup?) in
            defer {
                task = nil
                group = nil
                _stopping = true
            }
            return (task, group)
        }
        // Graceful: blocked queries answer at once, then the listener closes.
        await g?.triggerGracefulShutdown()
        await t?.value
        for _ in 0..<200 where Self.canConnect(port: port) { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Stops everything, timers included.
    public func shutdown() async {
        await stop()
        expiry?.cancel()
        expiry = nil
    }

    // MARK: Test controls

    /// Adds or replaces a service instance.
    public func setService(
        id: String, name: String, address: String = "127.0.0.1", port: Int, node: String = "node1",
        nodeAddress: String = "127.0.0.1", tags: [String] = [], meta: [String: String] = [:],
        status: String = "passing"
    ) async {
        await state.upsertService(
            .init(
                id: id, name: name, node: node, nodeAddress: nodeAddress, address: address, port: port,
                tags: tags,
                meta: meta, status: status, check: nil, modifyIndex: 0))
    }

    /// Changes the health status of an instance (`passing`, `warning`, `critical`).
    public func setStatus(id: String, status: String) async { await state.setStatus(id: id, status: status) }

    /// Sets the check status of several instances at once (one actor step: no
    /// blocking query answers in between).
    public func setStatuses(ids: [String], status: String) async {
        await state.setStatuses(ids: ids, status: status)
    }

    /// Removes an instance.
    public func removeService(id: String) async { await state.removeService(id: id) }

    /// Forgets everything and restarts the index at `index`.
    public func reset(index: UInt64 = 1) async { await state.reset(index: index) }

    /// Moves the index backwards, keeping the data.
    public func rewind(to index: UInt64) async { await state.rewind(to: index) }

    /// The current index.
    public func index() async -> UInt64 { await state.index }

    /// Sets the TTL multiplier (real Consul invalidates at up to 2× TTL).
    public func setTTLMultiplier(_ m: Double) async { await state.setMultiplier(m) }

    /// The registered instances (agent API and ``setService``), by ID.
    public func registrations() async -> [String: (
        name: String, address: String, port: Int, check: RegisteredCheck?
    )] {
        await state.services.mapValues { ($0.name, $0.address, $0.port, $0.check) }
    }

    /// Live sessions by ID → name.
    public func sessions() async -> [String: String] { await state.sessions.mapValues(\.name) }

    /// Writes a KV key (as `PUT /v1/kv/<key>` does); `[]` stores an empty value.
    public func putKey(_ key: String, _ value: [UInt8]) async { await state.put(key, value: value) }

    /// Writes a KV key with a text value.
    public func putKey(_ key: String, _ text: String) async { await putKey(key, Array(text.utf8)) }

    /// Deletes a KV key (as `DELETE /v1/kv/<key>` does).
    public func deleteKey(_ key: String) async { await state.delete(key) }

    /// Consul's limit on a KV value (`PUT` answers 413 past it).
    public static let maxValueBytes = 512 * 1024

    /// The session holding a KV key, if any.
    public func lockHolder(_ key: String) async -> String? { await state.kv[key]?.session }

    // MARK: HTTP

    private func handle(_ request: Request) async -> Response {
        let path = request.uri.path
        let query = request.uri.queryParameters
        let method = request.method.rawValue
        lock.withLock { _requests.append("\(method) \(request.uri.description)") }
        if let required = aclToken {
            let given = request.headers[HTTPField.Name("X-Consul-Token")!]
            if given != required { return text(.forbidden, "Permission denied") }
        }
        var request = request
        let body = (try? await request.collectBody(upTo: 4 << 20)).map { [UInt8](buffer: $0) } ?? []
        let q: (String) -> String? = { name in query[Substring(name)].map(String.init) }
        let has: (String) -> Bool = { name in query[Substring(name)] != nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // ["", "v1", area, ...]
        guard segments.count >= 3, segments[1] == "v1" else { return text(.notFound, "no such endpoint") }
        let rest = segments.dropFirst(3).joined(separator: "/").removingPercentEncoding ?? ""
        switch (method, segments[2]) {
        case ("GET", "health") where segments.count >= 5 && segments[3] == "service":
            let name = segments[4].removingPercentEncoding ?? segments[4]
            let passing = has("passing") && q("passing") != "false"
            let index = await block(q) { await self.state.servicesIndex }
            let entries = await state.health(service: name, passingOnly: passing, tag: q("tag"))
            return json(entries.map(Self.entry), index: index)
        case ("PUT", "agent") where rest == "service/register":
            return await register(body)
        case ("PUT", "agent") where rest.hasPrefix("service/deregister/"):
            await state.removeService(id: String(rest.dropFirst("service/deregister/".count)))
            return text(.ok, "")
        case ("PUT", "session") where rest == "create":
            return await createSession(body)
        case ("PUT", "session") where rest.hasPrefix("renew/"):
            let id = String(rest.dropFirst("renew/".count))
            guard let s = await state.renew(id) else {
                return text(.notFound, "Session id '\(id)' not found")
            }
            return json([Self.session(s)], index: await state.index)
        case ("PUT", "session") where rest.hasPrefix("destroy/"):
            await state.invalidate(String(rest.dropFirst("destroy/".count)))
            return text(.ok, "true")
        case ("GET", "session") where rest.hasPrefix("info/"):
            let id = String(rest.dropFirst("info/".count))
            let s = await state.sessions[id]
            return json(s.map { [Self.session($0)] } ?? [], index: await state.sessionsIndex)
        case ("GET", "kv"):
            let index = await block(q) { await self.state.kvReadIndex(rest) }
            guard let e = await state.kv[rest] else {
                return Response(
                    status: .notFound, headers: [HTTPField.Name("X-Consul-Index")!: String(index)])
            }
            return json([Self.kvEntry(rest, e)], index: index)
        case ("PUT", "kv"):
            if body.count > Self.maxValueBytes {
                return text(.contentTooLarge, "Request body too large, max size: \(Self.maxValueBytes) bytes")
            }
            if let session = q("acquire") {
                switch await state.acquire(rest, session: session, value: body) {
                case .ok: return text(.ok, "true")
                case .refused: return text(.ok, "false")
                case .noSession:
                    return text(.internalServerError, "invalid session \"\(session)\"")
                }
            }
            if let session = q("release") {
                return text(.ok, await state.release(rest, session: session, value: body) ? "true" : "false")
            }
            await state.put(rest, value: body)
            return text(.ok, "true")
        case ("DELETE", "kv"):
            await state.delete(rest)
            return text(.ok, "true")
        default:
            return text(.notFound, "no such endpoint \(method) \(path)")
        }
    }

    /// A blocking query: waits while the index is not past `index` and the
    /// wait (default 5m, at most 10m, plus up to wait/16 jitter) runs.
    private func block(_ q: (String) -> String?, current: @Sendable () async -> UInt64) async -> UInt64 {
        guard let wanted = q("index").flatMap(UInt64.init), wanted > 0 else { return await current() }
        var wait = q("wait").flatMap(GoDuration.parse) ?? .seconds(300)
        wait = min(wait, .seconds(600))
        let jitterMs = Int64(wait.components.seconds * 1000 / 16)
        let deadline =
            ContinuousClock.now + wait + .milliseconds(jitterMs > 0 ? Int64.random(in: 0...jitterMs) : 0)
        while ContinuousClock.now < deadline && !stopping {
            let i = await current()
            if i > wanted || i < wanted { return i }  // changed, or went backwards (restart): answer at once
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await current()
    }

    private func register(_ body: [UInt8]) async -> Response {
        struct Registration: Decodable {
            var ID: String?
            var Name: String
            var Address: String?
            var Port: Int?
            var Tags: [String]?
            var Meta: [String: String]?
            var Check: RegisteredCheck?
        }
        guard let r = try? JSONDecoder().decode(Registration.self, from: Data(body)) else {
            return text(.badRequest, "Request decode failed")
        }
        let id = r.ID ?? r.Name
        let existing = await state.services[id]
        await state.upsertService(
            .init(
                id: id, name: r.Name, node: "node1", nodeAddress: "127.0.0.1", address: r.Address ?? "",
                port: r.Port ?? 0, tags: r.Tags ?? [], meta: r.Meta ?? [:],
                // New checks start critical (Consul's default); a re-registration keeps the status.
                status: existing?.status ?? (r.Check == nil ? "passing" : "critical"), check: r.Check,
                modifyIndex: 0))
        return text(.ok, "")
    }

    private func createSession(_ body: [UInt8]) async -> Response {
        struct Create: Decodable {
            var Name: String?
            var TTL: String?
            var LockDelay: String?
            var Behavior: String?
        }
        let c = body.isEmpty ? Create() : (try? JSONDecoder().decode(Create.self, from: Data(body)))
        guard let c else { return text(.badRequest, "Request decode failed") }
        var ttl: Duration?
        if let t = c.TTL, !t.isEmpty {
            guard let d = GoDuration.parse(t) else {
                return text(.badRequest, "Request decode failed: invalid TTL")
            }
            guard d >= .seconds(10), d <= .seconds(86400) else {
                return text(.badRequest, "Invalid Session TTL '\(t)', must be between [10s=24h0m0s]")
            }
            ttl = d
        }
        var lockDelay: Duration = .seconds(15)
        if let l = c.LockDelay { lockDelay = min(GoDuration.parse(l) ?? .seconds(15), .seconds(60)) }
        let behavior = c.Behavior ?? "release"
        guard behavior == "release" || behavior == "delete" else {
            return text(.badRequest, "Invalid Behavior setting")
        }
        let id = await state.createSession(
            name: c.Name ?? "", ttl: ttl, lockDelay: lockDelay, behavior: behavior)
        return json(["ID": id], index: nil)
    }

    // MARK: Encoding

    private static func entry(_ s: ConsulState.ServiceInstance) -> [String: Any] {
        [
            "Node": ["Node": s.node, "Address": s.nodeAddress, "Datacenter": "dc1"],
            "Service": [
                "ID": s.id, "Service": s.name, "Address": s.address, "Port": s.port, "Tags": s.tags,
                "Meta": s.meta,
            ],
            "Checks": [
                ["CheckID": "service:\(s.id)", "Status": s.status],
                ["CheckID": "serfHealth", "Status": "passing"],
            ],
        ]
    }

    private static func session(_ s: ConsulState.Session) -> [String: Any] {
        [
            "ID": s.id, "Name": s.name, "TTL": s.ttl.map { "\($0.components.seconds)s" } ?? "",
            "Behavior": s.behavior, "LockDelay": Int64(s.lockDelay.components.seconds) * 1_000_000_000,
            "CreateIndex": s.createIndex,
        ]
    }

    private static func kvEntry(_ key: String, _ e: ConsulState.KV) -> [String: Any] {
        var d: [String: Any] = [
            "Key": key, "Flags": e.flags, "CreateIndex": e.createIndex, "ModifyIndex": e.modifyIndex,
            "LockIndex": e.lockIndex,
            "Value": e.value.isEmpty ? NSNull() : Data(e.value).base64EncodedString(),
        ]
        if let s = e.session { d["Session"] = s }
        return d
    }

    private func json(_ object: Any, index: UInt64?) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("null".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        if let index { headers[HTTPField.Name("X-Consul-Index")!] = String(index) }
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: [UInt8](data))))
    }

    private func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain"],
            body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    private static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return withLoopbackAddress(port: port) { connect(fd, $0, $1) } == 0
    }
}

/// A failure of the simulator itself.
public struct SimulatorError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

extension ConsulState {
    func setMultiplier(_ m: Double) { ttlMultiplier = m }
}
