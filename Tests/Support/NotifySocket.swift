import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The listening end of systemd's notify protocol: an AF_UNIX datagram
/// socket bound by the test (a file, or a name in the abstract namespace),
/// recording every datagram it receives.
public final class NotifySocket: @unchecked Sendable {
    /// The value for `NOTIFY_SOCKET` (`@name` for the abstract namespace).
    public let address: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var stopped = false

    /// Binds a fresh socket; `abstract` picks the abstract namespace.
    public init(abstract: Bool, dir: TempDir) throws {
        let name =
            abstract
            ? "@promshard-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : dir.file("notify.sock")
        address = name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(
            MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestSupportError("bind \(name): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in readLoop() }
        thread.start()
    }

    /// Every datagram received so far, in order.
    public var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// The datagrams that contain the line `line` (e.g. "READY=1").
    public func count(_ line: String) -> Int {
        messages.filter { $0.split(separator: "\n").contains(Substring(line)) }.count
    }

    /// Stops reading and closes the socket.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            lock.lock()
            let done = stopped
            lock.unlock()
            if done { break }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                lock.lock()
                received.append(text)
                lock.unlock()
            }
        }
        close(fd)
    }
}
