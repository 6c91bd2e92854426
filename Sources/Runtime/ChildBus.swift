import Foundation
import Logging
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The child side of the bus: one socket to the supervisor, inherited as a
/// file descriptor named by `PROMSHARD_BUS_FD`.
///
/// The messages of ``start(subscribe:)`` end when the supervisor goes away
/// (EOF on the socket): the child's lifecycle then stops the child at once
/// (see ``supervisorGone``). The bus never exits the process itself.
public final class ChildBus: @unchecked Sendable {
    /// Name of the environment variable carrying the socket's descriptor.
    public static let fdEnvironment = "PROMSHARD_BUS_FD"

    public let role: Role
    private let socket: LineSocket
    private let lock = NSLock()
    private var seq: UInt64 = 0
    private var gone = false
    private let logger: Logger

    /// Opens the inherited socket.
    public init(role: Role) throws {
        guard let value = ProcessInfo.processInfo.environment[Self.fdEnvironment], let fd = Int32(value)
        else {
            throw BusError.noBusDescriptor
        }
        self.role = role
        self.socket = LineSocket(fd: fd)
        self.logger = Logger(label: "bus")
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// Whether the supervisor closed the socket (it exited or was killed).
    public var supervisorGone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return gone
    }

    /// Publishes a message on `topic`. Returns false if the supervisor is gone.
    @discardableResult
    public func publish<Body: Codable & Sendable>(_ topic: Topic, _ body: Body) -> Bool {
        lock.lock()
        seq += 1
        let n = seq
        lock.unlock()
        do {
            return socket.send(try BusCodec.encode(Envelope(type: topic, from: role, seq: n, body: body)))
        } catch {
            logger.error(
                "cannot encode message", metadata: ["topic": "\(topic.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// Says hello and returns the messages for the subscribed topics. They
    /// end on EOF from the supervisor; `ping`s are answered by the consumer's
    /// loop as it takes them (see ``BusMessages``) and never show up in it.
    public func start(subscribe: [Topic]) -> BusMessages {
        publish(.hello, HelloBody(role: role, pid: getpid(), subscribe: subscribe))
        let (stream, continuation) = AsyncStream<Message>.makeStream()
        let events = socket.events()
        let logger = self.logger
        Task.detached { [self] in
            for await event in events {
                switch event {
                case .line(let line):
                    do {
                        let header = try BusCodec.header(of: line)
                        continuation.yield(Message(header: header, line: line))
                    } catch {
                        logger.warning(
                            "dropping bad message from supervisor", metadata: ["error": "\(error)"])
                    }
                case .oversized(let size):
                    logger.warning(
                        "dropping oversized message from supervisor", metadata: ["bytes": "\(size)"])
                case .closed:
                    markGone()
                    continuation.finish()
                }
            }
        }
        return BusMessages(stream: stream, bus: self)
    }

    private func markGone() {
        lock.lock()
        gone = true
        lock.unlock()
    }

    /// Answers a `ping` with a `pong` carrying its id.
    fileprivate func answer(_ ping: Message) {
        guard let body = try? ping.body(PingBody.self) else {
            logger.warning("dropping a ping without an id")
            return
        }
        publish(.pong, body)
    }
}

/// The messages a child receives, in order.
///
/// A `ping` is answered when the consumer asks for the next message, so a
/// pong proves the whole path: the process runs, its reader thread reads,
/// the concurrency pool schedules and the role's loop consumes. A stopped
/// process or a wedged loop stops answering, and the supervisor replaces it.
public struct BusMessages: AsyncSequence, Sendable {
    public typealias Element = Message
    let stream: AsyncStream<Message>
    let bus: ChildBus

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), bus: bus)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<Message>.Iterator
        let bus: ChildBus

        public mutating func next() async -> Message? {
            while let message = await base.next() {
                if message.topic == .ping {
                    bus.answer(message)
                    continue
                }
                return message
            }
            return nil
        }
    }
}

/// A message received on the bus: its header and the raw line.
public struct Message: Sendable {
    public let header: EnvelopeHeader
    public let line: [UInt8]

    /// The topic (headers are validated, so it is known).
    public var topic: Topic { Topic(rawValue: header.type)! }

    /// Decodes the body as `Body`.
    public func body<Body: Codable & Sendable>(_ type: Body.Type) throws(EnvelopeError) -> Body {
        try BusCodec.decode(type, from: line).body
    }
}
