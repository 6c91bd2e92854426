/// The loop every Consul watch runs: blocking queries on one endpoint by
/// the rules of ``BlockingIndex`` (first read at once, then `index` +
/// `wait`; the index forgotten after a failure), ``Backoff`` between
/// failures, at most one request per `minInterval`, and nothing reported
/// once the task is cancelled (a waiting query is aborted by the client).
struct BlockingQueryLoop: Sendable {
    let client: ConsulClient
    /// The endpoint, escaped (`/v1/kv/<key>`, `/v1/health/service/<name>`).
    let path: String
    /// Query parameters sent on every request, before `index` and `wait`.
    let query: [(String, String?)]
    let wait: Duration
    let minInterval: Duration
    let backoff: Backoff

    /// Runs until the task is cancelled. Each answer is turned into an
    /// update by `decode` and reported when its index moved; a failed request
    /// or an answer `decode` rejects is reported through `failed`.
    func run<Update: Sendable>(
        decode: (ConsulResponse) throws(ConsulError) -> Update, failed: (ConsulError) -> Update,
        _ update: @Sendable (Update) async -> Void
    ) async {
        var index = BlockingIndex()
        var backoff = self.backoff
        let clock = ContinuousClock()
        let timeout = BlockingIndex.requestTimeout(wait)
        while !Task.isCancelled {
            let started = clock.now
            var query = self.query
            if let i = index.queryValue { query += [("index", i), ("wait", BlockingIndex.waitValue(wait))] }
            do throws(ConsulError) {
                let response = try await client.request("GET", path, query: query, timeout: timeout)
                let result = try decode(response)
                let changed = index.observe(response.index)
                backoff.succeeded()
                if Task.isCancelled { return }
                if changed { await update(result) }
            } catch {
                if Task.isCancelled { return }
                index.reset()
                await update(failed(error))
                try? await Task.sleep(for: backoff.failed())
                continue
            }
            // Rate limit: at most one request per minInterval.
            let elapsed = clock.now - started
            if elapsed < minInterval { try? await Task.sleep(for: minInterval - elapsed) }
        }
    }
}
