import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking Zabbix sender over TCP with connect and read timeouts and
/// failover across servers. Run it off the concurrency pool (the health
/// child uses `runBlocking`): every call returns within about
/// `2 × timeout` per server tried.
///
/// TLS and PSK are not supported: the server must accept unencrypted
/// connections from this host.
public struct ZabbixSender: Sendable {
    /// `host:port` of each server or proxy, tried in order.
    public var servers: [String]
    /// Limit of the connect, and of sending plus reading the answer.
    public var timeout: Duration

    public init(servers: [String], timeout: Duration = .seconds(3)) {
        self.servers = servers
        self.timeout = timeout
    }

    /// The result of a send that reached a server.
    public struct Delivery: Sendable, Equatable {
        /// The server that answered.
        public var server: String
        public var response: SenderResponse
        /// Servers tried before it, with why they failed.
        public var failedOver: [ZabbixError]
        public init(server: String, response: SenderResponse, failedOver: [ZabbixError]) {
            self.server = server
            self.response = response
            self.failedOver = failedOver
        }
    }

    /// Sends `request` to the first server that answers.
    public func send(_ request: SenderRequest) -> Result<Delivery, ZabbixError> {
        var errors: [ZabbixError] = []
        let packet = request.packet()
        for server in servers {
            switch exchange(packet, with: server) {
            case .success(let data):
                do {
                    let response = try SenderResponse.parse(data)
                    return .success(Delivery(server: server, response: response, failedOver: errors))
                } catch {
                    errors.append(error)
                }
            case .failure(let error):
                errors.append(error)
            }
        }
        if errors.count == 1 { return .failure(errors[0]) }
        return .failure(
            .unreachable(
                server: servers.joined(separator: ","),
                reason: errors.map(\.description).joined(separator: "; ")))
    }

    /// Sends one packet and returns the answer's data.
    public func exchange(_ packet: [UInt8], with server: String) -> Result<[UInt8], ZabbixError> {
        guard let (host, port) = Self.split(server) else { return .failure(.badServer(server)) }
        let fd: Int32
        switch connect(host: host, port: port, server: server) {
        case .success(let s): fd = s
        case .failure(let e): return .failure(e)
        }
        defer { close(fd) }
        let deadline = ContinuousClock.now + timeout
        guard writeAll(fd, packet, deadline: deadline) else {
            return .failure(.io(server: server, reason: "sending failed or timed out: \(Self.errnoText())"))
        }
        var answer: [UInt8] = []
        var need = ZabbixPacket.headerSize
        var announced: Int?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answer.count < need {
            guard wait(fd, for: Int16(POLLIN), until: deadline) else {
                return .failure(.io(server: server, reason: "no answer within \(timeout)"))
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(.io(server: server, reason: "reading failed: \(Self.errnoText())"))
            }
            if n == 0 {
                return .failure(
                    .io(server: server, reason: "connection closed after \(answer.count) bytes of the answer")
                )
            }
            answer += buffer[0..<n]
            if announced == nil, answer.count >= ZabbixPacket.headerSize {
                do {
                    let length = try ZabbixPacket.dataLength(
                        header: Array(answer.prefix(ZabbixPacket.headerSize)))
                    announced = length
                    need = ZabbixPacket.headerSize + length
                } catch {
                    return .failure(error)
                }
            }
        }
        return Result { () throws(ZabbixError) in try ZabbixPacket.decode(answer) }
    }

    /// `host:port` → parts (IPv6 as `[::1]:10051`); port defaults to 10051.
    static func split(_ server: String) -> (String, Int)? {
        if server.hasPrefix("["), let close = server.firstIndex(of: "]") {
            let host = String(server[server.index(after: server.startIndex)..<close])
            let rest = server[server.index(after: close)...]
            if rest.isEmpty { return (host, 10051) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                return nil
            }
            return (host, port)
        }
        let parts = server.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 1, !parts[0].isEmpty { return (String(parts[0]), 10051) }
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
            return nil
        }
        return (String(parts[0]), port)
    }

    private func connect(host: String, port: Int, server: String) -> Result<Int32, ZabbixError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            return .failure(
                .unreachable(
                    server: server, reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            let fd = socket(
                ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = Self.errnoText()
                continue
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let deadline = ContinuousClock.now + timeout
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return .success(fd) }
            if errno != EINPROGRESS {
                lastError = Self.errnoText()
                close(fd)
                continue
            }
            guard wait(fd, for: Int16(POLLOUT), until: deadline) else {
                lastError = "connect timed out after \(timeout)"
                close(fd)
                continue
            }
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if soError == 0 { return .success(fd) }
            lastError = String(cString: strerror(soError))
            close(fd)
        }
        return .failure(.unreachable(server: server, reason: lastError))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard wait(fd, for: Int16(POLLOUT), until: deadline) else { return false }
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Polls until `events` or the deadline; false on timeout or error.
    private func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return false }
            let ms = Int32(min(left.wholeMilliseconds, 60_000))
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, max(ms, 1))
            if rc < 0 {
                if errno == EINTR { continue }
                return false
            }
            if rc == 0 { continue }
            return p.revents & (events | Int16(POLLHUP) | Int16(POLLERR)) != 0
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
