import Foundation

/// Reads the file_sd files the daemon delivered and checks them against the expected targets.
///
/// The files are the `Renderer`'s canonical layout (one target per line inside `"targets": [`),
/// which this scanner reads without a JSON parser so that checking 1M targets stays cheap next
/// to the daemon it measures.
struct ShareCheck {
    /// Every expected target and its index.
    let index: [String: Int32]

    init(targets: [String]) {
        var index: [String: Int32] = [:]
        index.reserveCapacity(targets.count)
        for (i, t) in targets.enumerated() { index[t] = Int32(i) }
        self.index = index
    }

    /// One delivered file: its targets, nil when missing.
    static func targets(in path: String) -> [Substring]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        var result: [Substring] = []
        var inTargets = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if inTargets {
                if line == "    ]" {
                    inTargets = false
                    continue
                }
                var t = line.drop { $0 == " " }
                if t.hasSuffix(",") { t = t.dropLast() }
                result.append(t.dropFirst().dropLast())
            } else if line == "    \"targets\": [" {
                inTargets = true
            }
        }
        return result
    }

    /// Whether the files at `paths` hold every expected target exactly once between them and the
    /// files at `empty` hold none. Returns the per-file target counts when right, nil otherwise.
    func exact(paths: [String], empty: [String] = []) -> [Int]? {
        for path in empty {
            guard let targets = Self.targets(in: path), targets.isEmpty else { return nil }
        }
        var seen = [UInt8](repeating: 0, count: index.count)
        var counts: [Int] = []
        for path in paths {
            guard let targets = Self.targets(in: path) else { return nil }
            for t in targets {
                guard let i = index[String(t)], seen[Int(i)] == 0 else { return nil }
                seen[Int(i)] = 1
            }
            counts.append(targets.count)
        }
        return counts.reduce(0, +) == index.count ? counts : nil
    }
}

/// The (mtime, size) of files, to tell when the daemon wrote something.
enum FileStamps {
    /// Modification time in seconds since 1970 and size, nil for a missing file.
    static func stamp(_ path: String) -> (mtime: Double, size: Int64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9, Int64(st.st_size))
    }

    /// A comparable fingerprint of all the files.
    static func fingerprint(_ paths: [String]) -> [Double] {
        paths.flatMap { p in stamp(p).map { [$0.mtime, Double($0.size)] } ?? [-1, -1] }
    }

    /// The newest modification time among the files.
    static func newest(_ paths: [String]) -> Double {
        paths.compactMap { stamp($0)?.mtime }.max() ?? 0
    }
}
