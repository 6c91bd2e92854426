/// The bounded queue of lines waiting to be written to one child.
///
/// Pure: the supervisor's loop pushes without ever waiting, the child's
/// writer takes what is queued. A push that would take the queue past
/// `limitBytes` is refused and leaves the queue as it was: the caller treats
/// that child as stuck.
public struct OutboundQueue: Sendable {
    /// Most bytes the queue holds at once.
    public let limitBytes: Int
    /// Bytes queued now.
    public private(set) var bytes = 0
    private var lines: [[UInt8]] = []

    public init(limitBytes: Int) {
        precondition(limitBytes > 0)
        self.limitBytes = limitBytes
    }

    /// Lines queued now.
    public var count: Int { lines.count }
    public var isEmpty: Bool { lines.isEmpty }

    /// Queues `line`; false (and nothing queued) when it does not fit.
    public mutating func push(_ line: [UInt8]) -> Bool {
        guard bytes + line.count <= limitBytes else { return false }
        lines.append(line)
        bytes += line.count
        return true
    }

    /// Takes every queued line, oldest first.
    public mutating func takeAll() -> [[UInt8]] {
        defer {
            lines = []
            bytes = 0
        }
        return lines
    }
}
