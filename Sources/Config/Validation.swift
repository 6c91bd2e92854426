/// Pure checks and helpers used while decoding; none does I/O.
enum Validation {
    /// A parsed `host:port`.
    struct HostPort: Equatable {
        /// Host name, IPv4 address or bracketed IPv6 address (`[::1]`).
        var host: String
        var port: Int?
    }

    /// Parses `host:port` (`[v6]:port` for IPv6). With `portRequired`, a
    /// missing port is an error unless `defaultPort` is given. On failure,
    /// the message names the offending text.
    static func hostPort(_ s: String, portRequired: Bool, defaultPort: Int? = nil) -> Result<
        HostPort, Message
    > {
        let bad = Message("invalid address \"\(s)\": expected host:port")
        guard !s.isEmpty else { return .failure(Message("invalid address \"\": expected host:port")) }
        if s.contains("://") {
            return .failure(Message("invalid address \"\(s)\": expected host:port without a scheme"))
        }
        var host: Substring
        var portText: Substring?
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return .failure(bad) }
            host = s[s.startIndex...close]
            let inner = s[s.index(after: s.startIndex)..<close]
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(bad)
            }
            let rest = s[s.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return .failure(bad) }
                portText = rest.dropFirst()
            }
        } else if let colon = s.lastIndex(of: ":") {
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
            if host.contains(":") {
                return .failure(Message("invalid address \"\(s)\": write IPv6 addresses as [addr]:port"))
            }
        } else {
            host = s[...]
        }
        let hostOK =
            !host.isEmpty
            && (host.hasPrefix("[")
                || host.unicodeScalars.allSatisfy { c in
                    (c.properties.isAlphabetic || c.properties.numericType != nil || c == "." || c == "-"
                        || c == "_") && c.value > 0x20
                })
        guard hostOK else { return .failure(bad) }
        var port: Int? = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                portText.count <= 5,
                let p = Int(portText), (1...65535).contains(p)
            else {
                return .failure(Message("invalid port in \"\(s)\": must be a number from 1 to 65535"))
            }
            port = p
        }
        if port == nil, portRequired {
            return .failure(Message("invalid address \"\(s)\": missing port (expected host:port)"))
        }
        return .success(HostPort(host: String(host), port: port))
    }

    /// A failure message (a `Result` needs an `Error`).
    struct Message: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }

    /// An `http://` or `https://` URL with something after the scheme.
    static func isHTTPURL(_ s: String) -> Bool {
        for scheme in ["http://", "https://"] where s.hasPrefix(scheme) {
            let rest = s.dropFirst(scheme.count)
            return !rest.isEmpty && !rest.hasPrefix("/") && !s.contains(where: { $0.isWhitespace })
        }
        return false
    }

    /// Placeholders allowed in `dest` and `reload_url`.
    static let placeholders = ["name", "address", "port"]

    /// The `{…}` placeholders of `s` that are not known.
    static func unknownPlaceholders(in s: String) -> [String] {
        var unknown: [String] = []
        var rest = s[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = String(after[..<close])
            if !placeholders.contains(name), !unknown.contains(name) { unknown.append(name) }
            rest = after[after.index(after: close)...]
        }
        return unknown
    }

    /// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.utf8.first, isLetterOrUnderscore(first) else { return false }
        return s.utf8.allSatisfy { isLetterOrUnderscore($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// A service name, used in file names: `[A-Za-z0-9][A-Za-z0-9_.-]*`.
    static func isServiceName(_ s: String) -> Bool {
        guard let first = s.utf8.first, isAlphanumeric(first) else { return false }
        return s.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "-")
        }
    }

    private static func isLetterOrUnderscore(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
    }

    /// The known key closest to `key`, if close enough to be a likely typo:
    /// same letters ignoring case, `_` and `-` (`reloadUrl` → `reload_url`),
    /// or an edit distance of at most 1 for short keys, 2 for longer ones.
    static func suggestion(for key: String, among known: [String]) -> String? {
        func squash(_ s: String) -> String { String(s.lowercased().filter { $0 != "_" && $0 != "-" }) }
        if let same = known.first(where: { squash($0) == squash(key) }) { return same }
        let limit = key.count <= 4 ? 1 : 2
        var best: (key: String, distance: Int)?
        for candidate in known {
            let d = editDistance(key.lowercased(), candidate)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.key
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Lexical path handling (no file-system access).
enum Paths {
    /// `/a/b/c.yml` → `/a/b`; `/c.yml` → `/`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// `path` if absolute, else `base/path`; then `.` and `..` segments and
    /// repeated slashes removed lexically (glob characters are left alone).
    static func resolve(_ path: String, against base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
