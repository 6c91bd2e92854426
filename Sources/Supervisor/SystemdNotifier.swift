import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The systemd notify protocol (`sd_notify(3)`): datagrams such as
/// `READY=1` to the AF_UNIX socket named by `NOTIFY_SOCKET`.
///
/// A path starting with `@` names a socket in the abstract namespace. Sends
/// never block (`MSG_DONTWAIT`): a full or missing socket loses a message,
/// never the supervisor's loop. Without `NOTIFY_SOCKET` there is no notifier.
final class SystemdNotifier {
    /// Environment variables of the protocol; children do not inherit them.
    static let environmentKeys = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    private let fd: Int32
    private var address: sockaddr_un
    private let addressLength: socklen_t
    /// `WATCHDOG_USEC` when it is meant for this process: send `WATCHDOG=1`
    /// at half of it.
    let watchdogInterval: Duration?

    /// The notifier of this process, nil when not run by systemd (or the
    /// socket path is unusable).
    init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity, abstract || bytes.first == UInt8(ascii: "/") else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        // An abstract address is exactly its bytes; a path one ends with NUL.
        addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
        address = addr
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 {
            watchdogInterval = .microseconds(Int64(usec))
        } else {
            watchdogInterval = nil
        }
    }

    deinit { _ = close(fd) }

    /// Sends one state datagram (`KEY=value` lines). False when it was not sent.
    @discardableResult
    func notify(_ state: String) -> Bool {
        let bytes = Array(state.utf8)
        let length = addressLength
        let sent = withUnsafePointer(to: &address) { addr in
            addr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes {
                    sendto(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT), sa, length)
                }
            }
        }
        return sent == bytes.count
    }

    /// A `STATUS=` value is one line.
    static func statusLine(_ text: String) -> String {
        "STATUS=" + text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
