import Logging

/// Watches the passing instances of one Consul service with blocking
/// queries on `GET /v1/health/service/<name>?passing=true`.
///
/// Each answer whose index moved is reported with ``Update/entries``; a
/// failure is reported with ``Update/failed`` and retried with backoff
/// (1 s doubling to 30 s), and the caller keeps what it last knew. The loop
/// is rate-limited to one request per `minInterval`.
public struct ServiceWatch: Sendable {
    /// What the watch reports.
    public enum Update: Sendable, Equatable {
        case entries([ServiceEntry], index: UInt64?)
        case failed(ConsulError)
    }

    public let client: ConsulClient
    public let service: String
    public let wait: Duration
    public let minInterval: Duration
    public let backoff: Backoff

    public init(
        client: ConsulClient, service: String, wait: Duration, minInterval: Duration = .milliseconds(100),
        backoff: Backoff = Backoff()
    ) {
        self.client = client
        self.service = service
        self.wait = wait
        self.minInterval = minInterval
        self.backoff = backoff
    }

    /// One non-blocking read (for `promshard plan`).
    public func once() async -> Update {
        do throws(ConsulError) {
            let response = try await client.request(
                "GET", "/v1/health/service/" + ConsulClient.escapePath(service), query: [("passing", "true")])
            do {
                return .entries(try ServiceEntry.decodeList(response.body), index: response.index)
            } catch {
                throw ConsulError.badAnswer(
                    request: "GET /v1/health/service/\(service)", reason: error.reason)
            }
        } catch {
            return .failed(error)
        }
    }

    /// Runs until the task is cancelled, calling `update` on every change.
    /// A cancelled task reports nothing more: not the answer of a blocking
    /// query that was waiting (it is aborted), nor a failure.
    public func run(_ update: @Sendable (Update) async -> Void) async {
        let service = self.service
        await BlockingQueryLoop(
            client: client, path: "/v1/health/service/" + ConsulClient.escapePath(service),
            query: [("passing", "true")], wait: wait, minInterval: minInterval, backoff: backoff
        ).run(
            decode: { response throws(ConsulError) in try Self.decode(response, service: service) },
            failed: Update.failed, update)
    }

    /// The update an answer of `GET /v1/health/service/<name>` means. Pure.
    static func decode(_ response: ConsulResponse, service: String) throws(ConsulError) -> Update {
        let request = "GET /v1/health/service/\(service)"
        if response.status == 404 {
            throw ConsulError.status(request: request, code: 404, message: "not found")
        }
        do {
            return .entries(try ServiceEntry.decodeList(response.body), index: response.index)
        } catch {
            throw ConsulError.badAnswer(request: request, reason: error.reason)
        }
    }
}
