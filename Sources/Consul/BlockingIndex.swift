/// The `index` of a blocking query, following Consul's documented client
/// rules (Consul docs, "Blocking Queries", "Implementation details"). Pure.
///
/// * The first request (and the first after a reset) sends no index and
///   returns at once.
/// * If `X-Consul-Index` goes backwards (Consul restarted, a snapshot was
///   restored), the index is reset to 0 so the next request returns at once.
/// * The index sent is always at least 1 after a response: an index of 0
///   would make every request return at once, so 0 is never sent twice in
///   a row.
public struct BlockingIndex: Sendable, Equatable {
    /// The index to send with the next request; 0 = none (return at once).
    public private(set) var index: UInt64 = 0
    /// Whether the last ``observe(_:)`` reset the index.
    public private(set) var didReset = false

    public init() {}

    /// The `index` query value to send, or nil for a non-blocking read.
    public var queryValue: String? { index == 0 ? nil : String(index) }

    /// Takes the `X-Consul-Index` of a response (nil when missing). Returns
    /// whether the response's content is new and must be used: always
    /// true, except when the index is unchanged (a wait that timed out).
    @discardableResult
    public mutating func observe(_ responseIndex: UInt64?) -> Bool {
        didReset = false
        guard let responseIndex else { return true }  // not a blocking-capable answer: use it, keep the index
        if responseIndex < index {
            // Went backwards: reset, the next request returns at once.
            index = 0
            didReset = true
            return true
        }
        let changed = responseIndex != index
        index = max(responseIndex, 1)
        return changed
    }

    /// The `wait` query value for `wait`, in whole seconds (at least 1s).
    public static func waitValue(_ wait: Duration) -> String { "\(max(1, wait.components.seconds))s" }

    /// How long to let a blocking request with `wait` run: Consul adds up
    /// to wait/16 of jitter; leave room for it and the network.
    public static func requestTimeout(_ wait: Duration) -> Duration { wait + wait / 16 + .seconds(5) }

    /// Forgets the index (after an error the next request reads afresh).
    public mutating func reset() {
        index = 0
        didReset = false
    }
}
