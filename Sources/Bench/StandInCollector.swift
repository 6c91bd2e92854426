import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in Prometheus for the daemon benchmark: answers every HTTP request on 127.0.0.1
/// (`/-/healthy`, `/-/reload`) with 200. Stopping it closes the listening socket, so probes get
/// "connection refused" as from a dead collector; ``start()`` listens again on the same port.
///
/// One thread per listener; a request is answered on that thread (they are tiny).
final class StandInCollector: @unchecked Sendable {
    let port: Int
    private let lock = NSLock()
    private var listener: Int32 = -1

    init() throws {
        port = Self.freePort()
        try start()
    }

    func start() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: port)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw BenchError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        lock.lock()
        listener = fd
        lock.unlock()
        let thread = Thread { Self.serve(fd) }
        thread.name = "stand-in-\(port)"
        thread.start()
    }

    func stop() {
        lock.lock()
        let fd = listener
        listener = -1
        lock.unlock()
        guard fd >= 0 else { return }
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private static func serve(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n".utf8)
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var tv = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var seen: [UInt8] = []
            while !seen.ends(with: [13, 10, 13, 10]) {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                seen += buffer[0..<n]
                if seen.count > 65536 { break }
                if let end = seen.firstRange(of: [13, 10, 13, 10]) { seen = Array(seen[..<end.upperBound]) }
            }
            _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return addr
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopback(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
                _ = bind(fd, p, len)
                return getsockname(fd, p, &len)
            }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// A failure of the benchmark's own scaffolding.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
