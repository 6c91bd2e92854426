/// Watches one Consul KV key with blocking queries on `GET /v1/kv/<key>`,
/// by the same rules as ``ServiceWatch``: ``BlockingIndex`` (first read at
/// once, reset when the index goes backwards, never 0 twice), a failure
/// reported with ``Update/failed`` and retried with ``Backoff`` (index
/// forgotten, so the next answer is read afresh), at most one request per
/// `minInterval`, and cancellation ends it at once (a waiting query is
/// aborted).
public struct KeyWatch: Sendable {
    /// What the watch reports; only answers whose index moved are reported.
    public enum Update: Sendable, Equatable {
        /// The key's value (`[]` for an empty one).
        case value([UInt8], index: UInt64?)
        /// The key does not exist (404).
        case missing(index: UInt64?)
        case failed(ConsulError)
    }

    public let client: ConsulClient
    public let key: String
    public let wait: Duration
    public let minInterval: Duration
    public let backoff: Backoff

    public init(
        client: ConsulClient, key: String, wait: Duration, minInterval: Duration = .milliseconds(100),
        backoff: Backoff = Backoff()
    ) {
        self.client = client
        self.key = key
        self.wait = wait
        self.minInterval = minInterval
        self.backoff = backoff
    }

    private var path: String { "/v1/kv/" + ConsulClient.escapePath(key) }

    /// Runs until the task is cancelled, calling `update` on every change.
    /// A cancelled task reports nothing more.
    public func run(_ update: @Sendable (Update) async -> Void) async {
        let key = self.key
        await BlockingQueryLoop(
            client: client, path: path, query: [], wait: wait, minInterval: minInterval, backoff: backoff
        ).run(
            decode: { response throws(ConsulError) in try Self.decode(response, key: key) },
            failed: Update.failed, update)
    }

    /// The update an answer of `GET /v1/kv/<key>` means. Pure.
    static func decode(_ response: ConsulResponse, key: String) throws(ConsulError) -> Update {
        if response.status == 404 { return .missing(index: response.index) }
        let request = "GET /v1/kv/\(key)"
        let entries: [KVEntry]
        do {
            entries = try KVEntry.decodeList(response.body)
        } catch {
            throw .badAnswer(request: request, reason: error.reason)
        }
        guard let entry = entries.first else { return .missing(index: response.index) }
        guard let bytes = entry.valueBytes else {
            throw .badAnswer(request: request, reason: "Value is not base64")
        }
        return .value(bytes, index: response.index)
    }
}
