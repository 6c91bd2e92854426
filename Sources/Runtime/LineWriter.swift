import Foundation

/// Writes queued lines to a ``LineSocket`` from a thread of its own.
///
/// ``enqueue(_:)`` never blocks: it appends to a bounded ``OutboundQueue``
/// and wakes the writer thread, which does the blocking `send`. A child that
/// stops reading therefore only fills its own queue; the caller learns it
/// when ``enqueue(_:)`` returns ``Outcome/overflow``.
public final class LineWriter: @unchecked Sendable {
    /// What became of a line handed to ``enqueue(_:)``.
    public enum Outcome: Sendable, Equatable {
        case queued
        /// The queue is full: the line was dropped.
        case overflow
        /// The writer is closed or the peer is gone: the line was dropped.
        case closed
    }

    private let socket: LineSocket
    private let condition = NSCondition()
    private var queue: OutboundQueue
    private var closed = false
    private var failed = false

    /// Starts the writer thread for `socket`; the queue holds at most `limitBytes`.
    public init(socket: LineSocket, limitBytes: Int) {
        self.socket = socket
        self.queue = OutboundQueue(limitBytes: limitBytes)
        socket.retain()
        let thread = Thread { [self] in drain() }
        thread.name = "bus-writer"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Queues one line (ending with a newline) without waiting.
    @discardableResult
    public func enqueue(_ line: [UInt8]) -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        if closed || failed { return .closed }
        guard queue.push(line) else { return .overflow }
        condition.signal()
        return .queued
    }

    /// Bytes waiting to be written.
    public var queuedBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.bytes
    }

    /// Stops the writer: queued lines are dropped, a blocked `send` is not
    /// waited for (closing the socket ends it).
    public func close() {
        condition.lock()
        closed = true
        _ = queue.takeAll()
        condition.signal()
        condition.unlock()
    }

    private func drain() {
        defer { socket.release() }
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if closed {
                condition.unlock()
                return
            }
            let lines = queue.takeAll()
            condition.unlock()
            for line in lines {
                guard socket.send(line) else {
                    // The peer is gone: what is still queued can never arrive.
                    condition.lock()
                    failed = true
                    _ = queue.takeAll()
                    condition.unlock()
                    return
                }
            }
        }
    }
}
