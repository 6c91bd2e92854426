import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers shared by the executor tests.
enum ExecutorTestSupport {
    /// Absolute path of a test plugin in Tests/ExecutorHostTests/Plugins.
    static func plugin(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Plugins").appendingPathComponent(name).path
    }

    /// Directory holding the build products (next to the test bundle).
    static var productsDirectory: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    /// A fresh empty directory under /tmp.
    static func temporaryDirectory(_ label: String) -> String {
        var template = Array("/tmp/promshard-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// A request for `collector` with the given params.
    static func request(
        service: String = "node", dest: String = "/nonexistent/sd.json",
        path: String = "/nonexistent/rendered.json",
        reloadURL: String? = nil, params: [String: JSONValue] = [:], deadlineMs: Int = 10_000
    ) -> ExecutorRequest {
        ExecutorRequest(
            service: service,
            collector: ExecutorCollector(name: "127.0.0.1:9090", address: "127.0.0.1", port: 9090),
            file: ExecutorFile(path: path, dest: dest, sha256: String(repeating: "0", count: 64)),
            reloadURL: reloadURL, params: params, deadlineMs: deadlineMs)
    }

    /// Whether `pid` is gone: no /proc entry, or a zombie (killed, waiting to be
    /// reaped by whoever adopted it). Polls up to `within` for a dying process.
    static func isGone(_ pid: pid_t, within: Duration = .seconds(2)) async -> Bool {
        let end = ContinuousClock.now + within
        while true {
            if isDeadNow(pid) { return true }
            if ContinuousClock.now >= end { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func isDeadNow(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let paren = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: paren)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// Reads "<pid> <pid>" written by a test plugin.
    static func readPids(_ path: String) -> [pid_t] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { pid_t($0) }
    }

    /// A loopback TCP port nobody listens on (bound then released).
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
