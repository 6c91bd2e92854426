import Foundation
import Logging
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The child side of the bus: one socket to the supervisor, inherited as a
/// file descriptor named by `PROMSHARD_BUS_FD`.
///
/// When the supervisor goes away (EOF on the socket) the child runs its
/// cleanup hook and exits at once, so no child outlives its supervisor.
public final class ChildBus: @unchecked Sendable {
    /// Name of the environment variable carrying the socket's descriptor.
    public static let fdEnvironment = "PROMSHARD_BUS_FD"

    public let role: Role
    private let socket: LineSocket
    private let seqLock = NSLock()
    private var seq: UInt64 = 0
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

    /// Publishes a message on `topic`. Returns false if the supervisor is gone.
    @discardableResult
    public func publish<Body: Codable & Sendable>(_ topic: Topic, _ body: Body) -> Bool {
        seqLock.lock()
        seq += 1
        let n = seq
        seqLock.unlock()
        do {
            return socket.send(try BusCodec.encode(Envelope(type: topic, from: role, seq: n, body: body)))
        } catch {
            logger.error(
                "cannot encode message", metadata: ["topic": "\(topic.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// Says hello and returns the stream of messages for the subscribed
    /// topics. On EOF, `onSupervisorGone` runs and the process exits 0.
    public func start(
        subscribe: [Topic], onSupervisorGone: @escaping @Sendable () -> Void = {}
    ) -> AsyncStream<Message> {
        publish(.hello, HelloBody(role: role, pid: getpid(), subscribe: subscribe))
        let (stream, continuation) = AsyncStream<Message>.makeStream()
        let events = socket.events()
        let logger = self.logger
        Task.detached {
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
                    onSupervisorGone()
                    exit(0)
                }
            }
        }
        return stream
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
