import Foundation

/// Peak resident set size of this process, from `/proc/self/status` (Linux).
enum PeakRSS {
    /// `VmHWM` in bytes, 0 where unavailable.
    static func current() -> Int { of("self") }

    /// `VmHWM` in bytes of process `pid` ("self" for this one), 0 where unavailable or gone.
    static func of(_ pid: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return 0
        }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }

    /// Resets `VmHWM` to the current RSS (writes 5 to `/proc/self/clear_refs`), so that the next
    /// reading is the peak of what runs in between. Returns false where unsupported.
    @discardableResult
    static func reset() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}
