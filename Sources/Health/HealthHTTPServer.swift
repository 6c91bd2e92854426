import Foundation
import Hummingbird
import Logging
import Prometheus
import PromshardJobsHTTP
import PromshardMetrics
import PromshardProtocol

/// The HTTP endpoints of the health child (Hummingbird 2):
/// `GET /` (the status page), `GET /-/healthy`, `GET /-/ready`, `GET /metrics`,
/// `GET /api/v1/status`, and pull mode: `GET /api/v1/sd/<service>/<collector>`
/// (Prometheus http_sd), `GET /jobs` and `GET /jobs/<service>/targets`
/// (OpenTelemetry Target Allocator).
///
/// When the address cannot be bound (port taken) the error is logged and
/// binding is retried every `retry`; the rest of the health child keeps
/// working meanwhile.
public struct HealthHTTPServer: Sendable {
    public let store: HealthStore
    /// The health child's own metrics (swift-metrics → swift-prometheus).
    public let registry: PrometheusCollectorRegistry
    public var retry: Duration = .seconds(5)

    public init(store: HealthStore, registry: PrometheusCollectorRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Serves `listen` (`host:port`) until the task is cancelled.
    public func run(listen: String, logger: Logger) async {
        guard let (host, port) = Self.split(listen) else {
            logger.error("invalid http.listen, not serving HTTP", metadata: ["listen": "\(listen)"])
            return
        }
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            let app = Application(
                router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { _ in
                    logger.info("http listening", metadata: ["listen": "\(listen)"])
                }, logger: Self.quiet(logger))
            do {
                try await app.runService(gracefulShutdownSignals: [])
                return
            } catch {
                logger.error(
                    "cannot serve http, retrying (is the port taken by another process?)",
                    metadata: [
                        "listen": "\(listen)", "error": "\(error)", "retry_in": "\(retry)",
                        "attempt": "\(attempt)",
                    ])
                try? await Task.sleep(for: retry)
            }
        }
    }

    /// Hummingbird logs every request at info; keep its logger at warning.
    static func quiet(_ logger: Logger) -> Logger {
        var l = logger
        if l.logLevel < .warning { l.logLevel = .warning }
        return l
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let store = self.store
        let registry = self.registry
        router.get("/-/healthy") { _, _ -> Response in
            let (ok, reasons) = store.read { $0.liveness() }
            return Self.json(
                ok ? .ok : .serviceUnavailable, ["status": ok ? "healthy" : "unhealthy", "reasons": reasons])
        }
        router.get("/-/ready") { _, _ -> Response in
            let (ok, reason) = store.read { $0.readiness() }
            var body: [String: Any] = ["status": ok ? "ready" : "not ready"]
            if let reason { body["reason"] = reason }
            return Self.json(ok ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ -> Response in
            let now = Self.nowMs()
            let families = store.read { $0.metricFamilies(nowMs: now) }
            let text = PrometheusText.render(families) + registry.emitToString()
            return Response(
                status: .ok, headers: [.contentType: PrometheusText.contentType],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/api/v1/status") { _, _ -> Response in
            let now = Self.nowMs()
            let document = store.read { StatusDocument.make(model: $0, nowMs: now) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
        }
        let page = StatusPage()
        router.get("/") { _, _ -> Response in
            let now = Self.nowMs()
            let html = page.render(store.read { StatusPageInput.make(model: $0, nowMs: now) })
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        // Pull mode: http_sd and the Target Allocator's endpoints, from the cached documents.
        let pull: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            guard let route = SDRoute.parse(path: request.uri.path, query: request.uri.query) else {
                return Self.json(.notFound, ["error": "no such endpoint"])
            }
            let ifNoneMatch = request.headers[values: .ifNoneMatch].joined(separator: ",")
            let reply = store.read { $0.sdReply(route, ifNoneMatch: ifNoneMatch.isEmpty ? nil : ifNoneMatch) }
            return Self.response(reply)
        }
        router.get("/api/v1/sd/**", use: pull)
        router.get("/jobs", use: pull)
        router.get("/jobs/**", use: pull)
        JobsRoutes(config: { store.read { $0.builder.config } }).mount(on: router)
        return router
    }

    static func response(_ reply: SDResponder.Reply) -> Response {
        var response = Response(
            status: HTTPResponse.Status(code: reply.status),
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        if let type = reply.header("Content-Type") { response.headers[.contentType] = type }
        if let etag = reply.header("ETag") { response.headers[.eTag] = etag }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// `host:port` (IPv6 in brackets) → parts.
    static func split(_ listen: String) -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...])
        else {
            return nil
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
