import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// One end of a Unix-domain stream socket carrying JSON lines.
///
/// Writes are serialised by a lock and block until the whole line is sent.
/// Reads happen on a dedicated thread (the socket is blocking) and arrive as
/// an `AsyncStream` of ``Event``s, so neither side polls.
public final class LineSocket: @unchecked Sendable {
    /// What the reader thread delivers.
    public enum Event: Sendable {
        case line([UInt8])
        /// A line longer than the framer's limit was dropped.
        case oversized(Int)
        /// The peer closed the socket (or a read error happened).
        case closed
    }

    /// The socket's file descriptor; owned by this object.
    public let fd: Int32
    private let writeLock = NSLock()
    private let maxLineBytes: Int
    private var closedFlag = false

    public init(fd: Int32, maxLineBytes: Int = LineFramer.defaultMaxLineBytes) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
    }

    /// A connected pair, both ends close-on-exec: (parent end, child end).
    public static func pair() throws -> (LineSocket, LineSocket) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0
        else {
            throw BusError.system("socketpair", errno)
        }
        return (LineSocket(fd: fds[0]), LineSocket(fd: fds[1]))
    }

    /// Sends one line (which must end with a newline). Returns false if the
    /// peer is gone.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        if closedFlag { return false }
        return bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Starts the reader thread and returns its events. Call once.
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .unbounded)
        let fd = self.fd
        let maxLineBytes = self.maxLineBytes
        let thread = Thread {
            var framer = LineFramer(maxLineBytes: maxLineBytes)
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                for frame in framer.feed(buffer[0..<n]) {
                    switch frame {
                    case .line(let line): continuation.yield(.line(line))
                    case .oversized(let size): continuation.yield(.oversized(size))
                    }
                }
            }
            continuation.yield(.closed)
            continuation.finish()
        }
        thread.name = "bus-reader"
        thread.start()
        return stream
    }

    /// Shuts the socket down for both directions; the reader sees EOF.
    public func shutdownBoth() {
        writeLock.lock()
        closedFlag = true
        writeLock.unlock()
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Closes this descriptor only, leaving the socket usable through other
    /// descriptors (e.g. the copy a spawned child inherited).
    public func closeDescriptor() {
        writeLock.lock()
        closedFlag = true
        writeLock.unlock()
        _ = Glibc.close(fd)
    }

    /// Shuts the socket down and closes the descriptor.
    public func close() {
        shutdownBoth()
        _ = Glibc.close(fd)
    }
}

/// Errors of the bus runtime.
public enum BusError: Error, CustomStringConvertible {
    case system(String, Int32)
    case noBusDescriptor

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .noBusDescriptor:
            "PROMSHARD_BUS_FD is not set: `promshard child` is started by `promshard run`, not by hand"
        }
    }
}
