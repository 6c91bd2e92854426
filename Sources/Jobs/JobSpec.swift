import Foundation
import PromshardProtocol

/// A job as submitted: hosts, task and how to split and time it.
public struct JobSpec: Codable, Sendable, Equatable {
    /// Letters, digits, `.`, `_`, `-` (at most 64); nil = generated.
    public var id: String?
    public var hosts: [String]
    public var task: JobTask
    /// Hosts per unit.
    public var unitSize: Int
    /// Deadline of one unit, in milliseconds.
    public var timeoutMs: Int

    public init(id: String? = nil, hosts: [String], task: JobTask, unitSize: Int, timeoutMs: Int) {
        self.id = id
        self.hosts = hosts
        self.task = task
        self.unitSize = unitSize
        self.timeoutMs = timeoutMs
    }

    /// The spec with its hosts trimmed and de-duplicated (first occurrence
    /// kept), or an error naming what is wrong. Host names go into an
    /// ansible inventory, so they may not hold spaces, commas, quotes or
    /// start with `-`.
    public func validated() throws(JobError) -> JobSpec {
        var copy = self
        if let id {
            guard Self.isValidID(id) else {
                throw .invalidJob("id \"\(id)\": use 1–64 letters, digits, '.', '_', '-'")
            }
        }
        var seen = Set<String>()
        var hosts: [String] = []
        for raw in self.hosts {
            let host = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if host.isEmpty { continue }
            guard Self.isValidHost(host) else {
                throw .invalidJob("host \"\(host)\": not a host name or address")
            }
            if seen.insert(host).inserted { hosts.append(host) }
        }
        guard !hosts.isEmpty else { throw .invalidJob("no hosts") }
        copy.hosts = hosts
        guard unitSize >= 1 else { throw .invalidJob("unit size must be at least 1, got \(unitSize)") }
        guard timeoutMs >= 1 else { throw .invalidJob("timeout must be positive") }
        switch task.kind {
        case .adhoc:
            guard let module = task.module, !module.isEmpty,
                module.allSatisfy({ $0.isLetter || $0.isNumber || "._".contains($0) })
            else { throw .invalidJob("adhoc job needs a module name (e.g. command, shell, ping)") }
        case .playbook:
            guard let path = task.playbook, !path.isEmpty else {
                throw .invalidJob("playbook job needs a file")
            }
        }
        return copy
    }

    /// `[A-Za-z0-9._-]{1,64}`, not starting with `-` or `.`.
    public static func isValidID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count), let first = id.first, first != "-", first != "." else {
            return false
        }
        return id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// A host name, IPv4 or IPv6 address (letters, digits, `.`, `-`, `_`, `:`, `[`, `]`).
    public static func isValidHost(_ host: String) -> Bool {
        guard host.utf8.count <= 255, host.first != "-" else { return false }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_:[]".contains($0)) }
    }

    /// A new job id: `j` + UTC time + 6 random hex digits, e.g. `j20261202-115959-a1b2c3`.
    public static func generateID(nowMs: Int64) -> String {
        var seconds = time_t(nowMs / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let random = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return String(
            format: "j%04d%02d%02d-%02d%02d%02d-", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            + String(repeating: "0", count: 6 - random.count) + random
    }
}

/// Splits a job's hosts into units.
public enum UnitPlanner {
    /// Consecutive slices of at most `unitSize` hosts, in order; unit `i`
    /// (0-based) holds hosts `i*unitSize ..< (i+1)*unitSize`.
    public static func split(_ hosts: [String], unitSize: Int) -> [[String]] {
        let size = max(1, unitSize)
        return stride(from: 0, to: hosts.count, by: size).map {
            Array(hosts[$0..<min($0 + size, hosts.count)])
        }
    }
}
