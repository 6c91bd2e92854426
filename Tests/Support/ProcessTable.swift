import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the process table from /proc.
public enum ProcessTable {
    /// One process.
    public struct Entry: Sendable, Equatable {
        public var pid: Int32
        public var ppid: Int32
        public var state: Character
        public var arguments: [String]
    }

    /// Every process that is not a zombie.
    public static func all() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.compactMap(entry)
    }

    /// One process, nil when gone or a zombie.
    public static func entry(_ pid: Int32) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let ppid = Int32(fields[1]) else { return nil }
        if state == "Z" || state == "X" { return nil }
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let args = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return Entry(pid: pid, ppid: ppid, state: state, arguments: args)
    }

    /// Whether `pid` is alive (and not a zombie).
    public static func alive(_ pid: Int32) -> Bool { entry(pid) != nil }

    /// Live children of `parent`.
    public static func children(of parent: Int32) -> [Entry] { all().filter { $0.ppid == parent } }

    /// The pid of `promshard child <role>` under `parent`, if running.
    public static func child(_ role: String, of parent: Int32) -> Int32? {
        children(of: parent).first {
            $0.arguments.count >= 3 && $0.arguments[1] == "child" && $0.arguments[2] == role
        }?
        .pid
    }

    /// Live processes whose executable path is `path`.
    public static func running(executable path: String) -> [Entry] {
        all().filter { $0.arguments.first == path }
    }
}

/// A process started by a test, with stdout and stderr in files.
public final class TestProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String

    public init(_ executable: String, _ arguments: [String], log: String, environment: [String: String] = [:])
        throws
    {
        logPath = log
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the exit; returns the status, or nil on timeout.
    public func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills it (and waits) if still running.
    public func kill9() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}
