import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Reads file_sd target files matched by glob patterns, re-reading a file
/// only when its size, mtime or inode changed.
///
/// A file that cannot be parsed is reported and its last good content is
/// kept; a file that disappears stops contributing targets (as in
/// Prometheus's own file_sd).
public struct TargetFiles: Sendable {
    private struct Signature: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var mtimeNs: Int64
    }

    private struct Entry: Sendable {
        var signature: Signature?
        var lastGood: [TargetGroup]?
        var error: String?
    }

    private var entries: [String: Entry] = [:]
    /// Goes up whenever a refresh saw something new (a file appeared, went away or was
    /// re-read), so callers can skip rebuilding and comparing a million targets otherwise.
    public private(set) var generation = 0

    public init() {}

    /// Re-scans `patterns` and returns the groups of every matched file (in
    /// path order) and the errors of the files whose content was rejected.
    public mutating func refresh(patterns: [String], service: String) -> (
        groups: [TargetGroup], errors: [SourceError]
    ) {
        let paths = Set(patterns.flatMap(Self.glob)).sorted()
        var seen: [String: Entry] = [:]
        var groups: [TargetGroup] = []
        var errors: [SourceError] = []
        for path in paths {
            var entry = entries[path] ?? Entry()
            let signature = Self.signature(of: path)
            if signature == nil || signature != entry.signature {
                generation += 1
                entry.signature = signature
                switch Self.read(path) {
                case .success(let parsed):
                    entry.lastGood = parsed
                    entry.error = nil
                case .failure(let error):
                    entry.error = error.message
                }
            }
            if let good = entry.lastGood { groups += good }
            if let error = entry.error {
                let kept =
                    entry.lastGood == nil ? "no earlier content to keep" : "keeping its last good content"
                errors.append(SourceError(service: service, source: path, message: "\(error); \(kept)"))
            }
            seen[path] = entry
        }
        if Set(seen.keys) != Set(entries.keys) { generation += 1 }
        entries = seen
        return (groups, errors)
    }

    private static func read(_ path: String) -> Result<[TargetGroup], FileSD.ParseError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileSD.ParseError(message: "cannot read file"))
        }
        do {
            return .success(try FileSD.parse([UInt8](data), yaml: FileSD.isYAML(path: path)))
        } catch {
            return .failure(error)
        }
    }

    private static func signature(of path: String) -> Signature? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Signature(
            inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// Expands one glob pattern into regular files, sorted.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let path = String(cString: p)
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { paths.append(path) }
        }
        return paths.sorted()
    }
}
