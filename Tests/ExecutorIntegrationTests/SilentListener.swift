import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener that never accepts: the kernel completes the handshake,
/// then nothing ever answers — an sshd on a host with a dying disk, as far
/// as a client can tell.
final class SilentListener: @unchecked Sendable {
    let fd: Int32

    /// Listens on `address`:`port` (a loopback address).
    init(address: String, port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(address)
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SilentListenerError(message: "cannot listen on \(address):\(port): \(reason)")
        }
    }

    func stop() { close(fd) }
}

struct SilentListenerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
