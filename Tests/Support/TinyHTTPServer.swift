import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.0-style server on 127.0.0.1 for tests: answers every
/// request with a fixed status and records the request lines. Stopping it
/// closes the listening socket, so clients get "connection refused" — the
/// same thing a dead Prometheus looks like.
public final class TinyHTTPServer: @unchecked Sendable {
    public let port: Int
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var recorded: [String] = []
    private var statusCode = 200

    /// Starts listening on `port` (a free one when 0).
    public init(port: Int = 0) throws {
        self.port = port == 0 ? freePort() : port
        try start()
    }

    /// Request lines received so far, e.g. "POST /-/reload".
    public var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// The status answered from now on.
    public func answer(_ status: Int) {
        lock.lock()
        statusCode = status
        lock.unlock()
    }

    /// (Re)starts listening.
    public func start() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = withLoopbackAddress(port: port) { bind(fd, $0, $1) }
        guard rc == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestSupportError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        lock.lock()
        listener = fd
        lock.unlock()
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.start()
    }

    /// Stops listening (connections are refused until ``start()``).
    public func stop() {
        lock.lock()
        let fd = listener
        listener = -1
        lock.unlock()
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.contains(0x0A) {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            data += buffer[0..<n]
        }
        // Drain the rest of the headers (and a small body) without blocking long.
        var tv = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        while !String(decoding: data, as: UTF8.self).contains("\r\n\r\n") {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let firstLine = String(decoding: data.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        let requestLine = parts.count >= 2 ? "\(parts[0]) \(parts[1])" : firstLine
        lock.lock()
        recorded.append(requestLine)
        let status = statusCode
        lock.unlock()
        let body = status == 200 ? "OK\n" : "status \(status)\n"
        let response =
            "HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = response.withCString { write(client, $0, strlen($0)) }
    }
}
