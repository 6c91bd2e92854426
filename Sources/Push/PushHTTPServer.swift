import Foundation
import Hummingbird
import Logging
import PromshardConfig
import PromshardMetrics
import PromshardProtocol

/// The router's HTTP listener (`push.listen`, Hummingbird 2).
///
/// - `PUT`/`POST`/`DELETE /metrics/job[@base64]/<job>{/<label>[@base64]/<value>}`:
///   proxied to the owning gateway (`mode: proxy`) or redirected there with 307
///   (`mode: redirect`). Only gateways of `push.gateways` are ever targets: the
///   path chooses the owner by hashing, it never names a host.
/// - `GET` on the same paths: `{"gateway": "<address:port>", "key": "..."}`.
/// - `GET /-/healthy`: 200 while the router runs.
///
/// No healthy gateway: 503 with a message. A body past `max_body_bytes`: 413.
/// A bad path: 400 with why. A gateway that fails or times out: 502/504.
struct PushHTTPServer: Sendable {
    let settings: PushSettings
    let rings: RingHolder
    var retry: Duration = .seconds(2)

    /// Serves until the task is cancelled; retries binding while the port is taken.
    func run(logger: Logger) async {
        guard let (host, port) = Self.split(settings.listen) else {
            logger.error("invalid push.listen", metadata: ["listen": "\(settings.listen)"])
            return
        }
        var quiet = logger
        if quiet.logLevel < .warning { quiet.logLevel = .warning }
        while !Task.isCancelled {
            let app = Application(
                router: router(),
                configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { _ in
                    logger.info("push router listening", metadata: ["listen": "\(settings.listen)"])
                },
                logger: quiet)
            do {
                try await app.runService(gracefulShutdownSignals: [])
                return
            } catch {
                logger.error(
                    "cannot serve push.listen, retrying (is the port taken?)",
                    metadata: ["listen": "\(settings.listen)", "error": "\(error)"])
                try? await Task.sleep(for: retry)
            }
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/-/healthy") { _, _ in Self.text(.ok, "ok") }
        let handler = PushHandler(settings: settings, rings: rings)
        for method in [HTTPRequest.Method.put, .post, .delete] {
            router.on("/metrics/**", method: method) { request, _ in await handler.push(request) }
        }
        router.get("/metrics/**") { request, _ in handler.locate(request) }
        return router
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func split(_ listen: String) -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...])
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
