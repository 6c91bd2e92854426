import PromshardProtocol

/// Filters of `promshard history`: every filter that is set must match.
public struct HistoryQuery: Sendable, Equatable {
    public var service: String?
    public var collector: String?
    public var status: DeliveryStatus?
    /// Only deferred attempts (true), only the others (false), or both (nil).
    public var deferred: Bool?
    /// Most rows returned (the newest ones).
    public var limit: Int

    public init(
        service: String? = nil, collector: String? = nil, status: DeliveryStatus? = nil,
        deferred: Bool? = nil, limit: Int = 50
    ) {
        self.service = service
        self.collector = collector
        self.status = status
        self.deferred = deferred
        self.limit = limit
    }
}
