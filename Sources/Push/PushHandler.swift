import Foundation
import Hummingbird
import PromshardConfig
import PromshardMetrics
import PromshardProtocol

/// What the router does with one request on `/metrics/...`.
struct PushHandler: Sendable {
    let settings: PushSettings
    let rings: RingHolder

    /// The message of a 503.
    static let noGateway = "no healthy Pushgateway: every gateway of push.gateways is down or not yet probed"

    /// `GET`: which gateway owns the group, as JSON.
    func locate(_ request: Request) -> Response {
        let key: GroupingKey
        switch GroupingKey.parse(path: request.uri.path) {
        case .success(let k): key = k
        case .failure(let e): return PushHTTPServer.text(.badRequest, e.message)
        }
        guard let owner = rings.current.owner(of: key) else {
            return PushHTTPServer.text(.serviceUnavailable, Self.noGateway)
        }
        let data =
            (try? JSONSerialization.data(
                withJSONObject: ["gateway": owner.name, "key": key.description], options: [.sortedKeys]))
            ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
    }

    /// `PUT`, `POST`, `DELETE`: to the owner, by proxy or redirect.
    func push(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        let key: GroupingKey
        switch GroupingKey.parse(path: request.uri.path) {
        case .success(let k): key = k
        case .failure(let e): return PushHTTPServer.text(.badRequest, e.message)
        }
        guard let owner = rings.current.owner(of: key) else {
            Instruments.pushUnavailable()
            return PushHTTPServer.text(.serviceUnavailable, Self.noGateway)
        }
        // The path and query go on exactly as sent; the host is always the owner's.
        let pathAndQuery = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        if settings.mode == .redirect {
            let location = "http://\(urlHost(owner.address)):\(owner.port)\(pathAndQuery)"
            Instruments.push(gateway: owner.name, method: method, code: 307, took: .zero)
            return Response(status: .temporaryRedirect, headers: [.location: location])
        }
        let body: [UInt8]
        switch await BodyReader.read(request.body, limit: settings.maxBodyBytes, timeout: settings.timeout) {
        case .body(let b): body = b
        case .tooLarge:
            return PushHTTPServer.text(
                .contentTooLarge, "push body larger than push.max_body_bytes (\(settings.maxBodyBytes) bytes)"
            )
        case .timedOut:
            return PushHTTPServer.text(.requestTimeout, "push body not received within \(settings.timeout)")
        case .failed(let why):
            return PushHTTPServer.text(.badRequest, "cannot read push body: \(why)")
        }
        let outcome = await PushForwarder(timeout: settings.timeout).forward(
            method: method, gateway: owner, pathAndQuery: pathAndQuery,
            contentType: request.headers[.contentType], contentEncoding: request.headers[.contentEncoding],
            body: method == "DELETE" && body.isEmpty ? nil : body)
        let took = ContinuousClock.now - started
        switch outcome {
        case .answered(let status, let answer, let contentType):
            Instruments.push(gateway: owner.name, method: method, code: status, took: took)
            var headers: HTTPFields = [:]
            if let contentType { headers[.contentType] = contentType }
            return Response(
                status: .init(code: status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: answer)))
        case .failed(let why):
            let timedOut = why.hasPrefix("gateway timed out")
            Instruments.push(gateway: owner.name, method: method, code: timedOut ? 504 : 502, took: took)
            return PushHTTPServer.text(
                timedOut ? .gatewayTimeout : .badGateway, "Pushgateway \(owner.name) failed: \(why)")
        }
    }
}
