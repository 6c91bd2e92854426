import Hummingbird

/// Reads a request body with a size cap and a deadline, so that neither a
/// huge nor a trickling client can hold the router's memory or a request
/// slot without limit.
enum BodyReader {
    enum Result: Sendable {
        case body([UInt8])
        case tooLarge
        case timedOut
        case failed(String)
    }

    static func read(_ body: RequestBody, limit: Int, timeout: Duration) async -> Result {
        await withTaskGroup(of: Result.self) { group in
            group.addTask {
                var bytes: [UInt8] = []
                do {
                    for try await chunk in body {
                        if bytes.count + chunk.readableBytes > limit { return .tooLarge }
                        bytes += chunk.readableBytesView
                    }
                } catch {
                    return Task.isCancelled ? .timedOut : .failed("\(error)")
                }
                return Task.isCancelled ? .timedOut : .body(bytes)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}
