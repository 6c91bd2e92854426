import Foundation
import Hummingbird
import PromshardConfig
import PromshardJobs
import PromshardProtocol
import Synchronization

/// The jobs API on `http.listen`, mounted by the health child's server. It
/// talks to the job store directly (the same one `promshard job` uses):
///
/// | route                               | answer                                  |
/// |-------------------------------------|-----------------------------------------|
/// | `POST /api/v1/jobs`                 | 201 `{"id"}` (body: ``SubmitBody``), 409 for a taken id |
/// | `GET /api/v1/jobs`                  | the newest jobs (`?limit=`)             |
/// | `GET /api/v1/jobs/<id>`             | the job's status, 404 if unknown        |
/// | `GET /api/v1/jobs/<id>/results`     | its final results (`?status=`)          |
/// | `GET /api/v1/results?ip=` / `?ips=` | a host across jobs / latest per host    |
/// | `POST /api/v1/jobs/<id>/cancel`     | `{"id","canceled"}`                     |
///
/// Without `jobs:` in the config every route answers 404. Errors answer
/// `{"error": "<what to fix>"}`: 400 for a bad request, 404 for an unknown
/// job, 409 for a taken id, 413 for a body past 8 MiB, 503 when the store
/// cannot be used.
public final class JobsRoutes: Sendable {
    private let config: @Sendable () -> PromshardConfig?
    private let cache = Mutex<(key: String, store: any JobStore)?>(nil)

    /// `config` gives the running config (read on every request).
    public init(config: @escaping @Sendable () -> PromshardConfig?) {
        self.config = config
    }

    /// The store of the current config, opened once per store setting.
    func store() throws(JobsHTTPError) -> any JobStore {
        guard let config = config(), let settings = config.jobs else {
            throw JobsHTTPError(status: .notFound, message: "jobs are not configured (no jobs: section)")
        }
        let key = "\(settings.store)|\(config.stateDir)"
        if let cached = cache.withLock({ $0 }), cached.key == key { return cached.store }
        do {
            let store = try JobStoreOpener.open(settings, stateDir: config.stateDir)
            cache.withLock { $0 = (key, store) }
            return store
        } catch {
            throw JobsHTTPError(status: .serviceUnavailable, message: "\(error)")
        }
    }

    /// Adds the routes to `router`.
    public func mount(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/jobs") { request, context -> Response in
            await self.answer(status: .created) {
                let store = try self.store()
                let body = try SubmitBody.decode(try await Self.collect(request, upTo: SubmitBody.maxBytes))
                let spec = try body.spec(defaults: self.config()?.jobs ?? JobsSettings())
                return ["id": try await store.submit(spec, nowMs: Self.nowMs()).id]
            }
        }
        router.get("/api/v1/jobs") { request, _ -> Response in
            await self.answer {
                let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 50
                return try await self.store().jobs(limit: max(1, limit))
            }
        }
        router.get("/api/v1/jobs/:id") { _, context -> Response in
            await self.answer {
                let id = context.parameters.get("id") ?? ""
                guard let job = try await self.store().job(id) else { throw JobError.notFound(id) }
                return job
            }
        }
        router.get("/api/v1/jobs/:id/results") { request, context -> Response in
            await self.answer {
                var status: HostStatus?
                if let s = request.uri.queryParameters.get("status") {
                    guard let parsed = HostStatus(rawValue: s), parsed.isFinal else {
                        throw JobsHTTPError(status: .badRequest, message: "unknown status \"\(s)\"")
                    }
                    status = parsed
                }
                return try await self.store().results(job: context.parameters.get("id") ?? "", status: status)
            }
        }
        router.post("/api/v1/jobs/:id/cancel") { _, context -> Response in
            await self.answer {
                let id = context.parameters.get("id") ?? ""
                let canceled = try await self.store().cancel(job: id, nowMs: Self.nowMs())
                return ["id": JSONValue.string(id), "canceled": .bool(canceled)]
            }
        }
        router.get("/api/v1/results") { request, _ -> Response in
            await self.answer {
                let query = request.uri.queryParameters
                if let ip = query.get("ip") {
                    return try await self.store().results(
                        host: ip, limit: query.get("limit", as: Int.self) ?? 100)
                }
                if let ips = query.get("ips") {
                    return try await self.store().latest(hosts: ips.split(separator: ",").map(String.init))
                }
                throw JobsHTTPError(status: .badRequest, message: "give ?ip=HOST or ?ips=A,B")
            }
        }
    }

    /// Runs `body` and answers its value as JSON, or the error as `{"error"}`.
    private func answer<T: Encodable>(status: HTTPResponse.Status = .ok, _ body: () async throws -> T) async
        -> Response
    {
        do {
            return Self.json(status, try await body())
        } catch let error as JobsHTTPError {
            return Self.json(error.status, ["error": error.message])
        } catch let error as JobError {
            switch error {
            case .notFound: return Self.json(.notFound, ["error": error.description])
            case .duplicateID: return Self.json(.conflict, ["error": error.description])
            case .invalidJob: return Self.json(.badRequest, ["error": error.description])
            case .store: return Self.json(.serviceUnavailable, ["error": error.description])
            }
        } catch {
            return Self.json(.badRequest, ["error": "invalid request: \(error)"])
        }
    }

    /// The request's body, or 413 when it is longer than `limit`.
    static func collect(_ request: Request, upTo limit: Int) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: limit))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw JobsHTTPError(status: .contentTooLarge, message: "the body is longer than \(limit) bytes")
        }
    }

    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let text = JobTable.json(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// An HTTP error answer.
struct JobsHTTPError: Error {
    var status: HTTPResponse.Status
    var message: String
}
