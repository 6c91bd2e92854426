import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `swift build` put the products under test.
public enum Binaries {
    /// The directory of the running test executable: on Linux the products
    /// (promshard, promshard-exec-*) sit next to it.
    public static var productsDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = n > 0 ? String(cString: buffer) : CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // Older layouts put the test binary inside a .xctest bundle directory.
        if dir.hasSuffix(".xctest") || dir.hasSuffix("/Contents/MacOS") {
            dir = (dir as NSString).deletingLastPathComponent
        }
        return dir
    }

    /// Absolute path of a built product; fails the test loudly when missing.
    public static func path(_ name: String) throws -> String {
        let path = "\(productsDirectory)/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError(
                "\(path) is missing: run `swift build` before `swift test` (make test does)")
        }
        return path
    }
}

/// A failure of the test scaffolding itself.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh temporary directory, removed by ``remove()``.
public struct TempDir: Sendable {
    public let path: String
    public init(_ prefix: String = "promshard-test") throws {
        var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
        path = String(cString: p)
    }
    public func file(_ name: String) -> String { "\(path)/\(name)" }
    public func write(_ name: String, _ text: String) throws {
        let full = file(name)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    public func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Calls `body` with a sockaddr for 127.0.0.1:`port` (0 = any port).
public func withLoopbackAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    _ = withLoopbackAddress(port: 0) { bind(fd, $0, $1) }
    var addr = sockaddr_in()
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Polls `condition` every `every` until it holds or `timeout` passes: the
/// one polling helper of the test suites. The default timeout is generous
/// because the suites run on busy 2-core CI machines.
public func eventually(
    timeout: Duration = .seconds(10), every: Duration = .milliseconds(20), _ condition: () throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: every)
    }
    return try condition()
}
