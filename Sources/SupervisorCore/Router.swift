import PromshardProtocol

/// The routing table of the supervisor: who subscribes to what, and the
/// last message of every state topic.
///
/// Pure: it decides, the supervisor does the I/O. The router never looks
/// into message bodies; it forwards the raw line it received.
public struct Router: Sendable {
    /// Replay order: what a (re)connecting child needs first comes first.
    public static let replayOrder: [Topic] = [
        .config, .children, .leader, .dispatchResult, .assignment, .assignmentSummary, .nodes, .targets,
        .targetCounts, .sdRendered, .pushGateways, .jobsRunning, .status,
    ]

    private var subscriptions: [Role: Set<Topic>] = [:]
    private var retained: [Topic: [UInt8]] = [:]
    /// `metrics` is retained per sender (every process has its own snapshot),
    /// replayed after the other topics in role order.
    private var retainedMetrics: [Role: [UInt8]] = [:]

    public init() {}

    /// Where a message goes.
    public struct Decision: Equatable, Sendable {
        /// Children to forward the line to.
        public var recipients: [Role]
        /// Whether the line was kept for replay.
        public var retained: Bool
    }

    /// Registers a child's subscriptions (from its `hello`) and returns the
    /// retained lines to replay to it, in ``replayOrder``.
    public mutating func hello(from role: Role, subscribe topics: [Topic]) -> [[UInt8]] {
        subscriptions[role] = Set(topics)
        var lines = Self.replayOrder.filter { topics.contains($0) }.compactMap { retained[$0] }
        if topics.contains(.metrics) {
            lines += Role.allCases.filter { $0 != role }.compactMap { retainedMetrics[$0] }
        }
        return lines
    }

    /// Forgets a child's subscriptions (it exited); its retained messages stay.
    public mutating func disconnect(_ role: Role) {
        subscriptions[role] = nil
    }

    /// Why a line from a child was not routed.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case invalid(EnvelopeError)
        case impersonation(claimed: String)
        case forbiddenTopic(Topic)

        public var description: String {
            switch self {
            case .invalid(let e): "\(e)"
            case .impersonation(let claimed): "message claims to be from \"\(claimed)\""
            case .forbiddenTopic(let t): "this child may not publish \"\(t.rawValue)\""
            }
        }
    }

    /// Checks a line received on `sender`'s socket: a valid envelope, from
    /// that sender, on a topic children may publish. A rejected line changes
    /// nothing; the caller logs it and goes on with the next one.
    public func accept(_ line: [UInt8], from sender: Role) -> Result<EnvelopeHeader, Rejection> {
        let header: EnvelopeHeader
        do {
            header = try BusCodec.header(of: line)
        } catch {
            return .failure(.invalid(error))
        }
        guard header.from == sender.rawValue else { return .failure(.impersonation(claimed: header.from)) }
        let topic = Topic(rawValue: header.type)!
        if sender != .supervisor && [.config, .children, .shutdown, .reload, .ping].contains(topic) {
            return .failure(.forbiddenTopic(topic))
        }
        // Only the child that talks to Consul hands over the remote config.
        if topic == .configRemote && sender != .discovery { return .failure(.forbiddenTopic(topic)) }
        return .success(header)
    }

    /// Routes one line published by `sender` on `topic`: retains it if the
    /// topic is a state topic, and returns the subscribers to forward to
    /// (never the sender itself, except for topics it subscribes to from
    /// others: a child does not hear its own publications).
    public mutating func route(topic: Topic, from sender: Role, line: [UInt8]) -> Decision {
        let keep = topic.isRetained
        if topic == .metrics {
            retainedMetrics[sender] = line
        } else if keep {
            retained[topic] = line
        }
        let recipients = Role.children.filter { $0 != sender && subscriptions[$0]?.contains(topic) == true }
        return Decision(recipients: recipients, retained: keep)
    }

    /// The retained line of a topic, if any.
    public func retainedLine(_ topic: Topic) -> [UInt8]? { retained[topic] }

    /// Whether `role` subscribes to `topic`.
    public func subscribes(_ role: Role, to topic: Topic) -> Bool {
        subscriptions[role]?.contains(topic) == true
    }
}
