import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// One end of a Unix-domain stream socket carrying JSON lines.
///
/// ``send(_:)`` is serialised by a lock and blocks until the whole line is
/// sent: the supervisor never calls it from its loop but through a
/// ``LineWriter`` per child. Reads happen on a dedicated thread (the socket
/// is blocking) and arrive as an `AsyncStream` of ``Event``s, so neither
/// side polls.
///
/// The descriptor is closed when its owner has called ``close()`` and the
/// reader and writer threads using it are done, so a thread blocked in
/// `read` or `send` never finds its descriptor number reused.
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
    private let stateLock = NSLock()
    private let maxLineBytes: Int
    private var closedFlag = false
    /// The owner plus every thread still using `fd`.
    private var users = 1

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

    private var isClosed: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return closedFlag
    }

    /// Sends one line (which must end with a newline), blocking until it is
    /// written. Returns false if the peer is gone or the socket was closed.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        if isClosed { return false }
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
        retain()
        let thread = Thread { [self] in
            defer { release() }
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

    /// Registers one more user of the descriptor (a thread reading or writing).
    func retain() {
        stateLock.lock()
        users += 1
        stateLock.unlock()
    }

    /// Ends one use; the last one closes the descriptor.
    func release() {
        stateLock.lock()
        users -= 1
        let last = users == 0
        stateLock.unlock()
        if last { _ = Glibc.close(fd) }
    }

    /// Shuts the socket down for both directions without waiting for a
    /// blocked writer: the reader sees EOF, a blocked `send` fails.
    public func shutdownBoth() {
        stateLock.lock()
        closedFlag = true
        stateLock.unlock()
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Closes the owner's use of this descriptor only, leaving the socket
    /// usable through other descriptors (e.g. the copy a spawned child inherited).
    public func closeDescriptor() {
        stateLock.lock()
        closedFlag = true
        stateLock.unlock()
        release()
    }

    /// Shuts the socket down and closes the owner's use of the descriptor.
    public func close() {
        shutdownBoth()
        release()
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
