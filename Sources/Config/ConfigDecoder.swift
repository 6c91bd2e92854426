/// A value found in the YAML, with the key path and line used to report
/// problems with it (for `key: value` that is the key's line).
struct Field {
    var node: YAMLNode
    var path: ConfigPath
    var line: Int

    var isNull: Bool { node.isNull }
}

/// The entries of a mapping after checking its keys.
struct Fields {
    var path: ConfigPath
    /// Line of the mapping (used for "missing key" errors).
    var line: Int
    /// First occurrence of each known key.
    var entries: [String: Field] = [:]

    /// The value of `key`; nil when absent or null (null means "default").
    subscript(key: String) -> Field? {
        guard let f = entries[key], !f.isNull else { return nil }
        return f
    }
}

/// Decodes YAML nodes into typed values, collecting every error.
///
/// Getters never stop at the first problem: they record a ``ConfigError`` and
/// return a default (or nil) so decoding continues with the rest of the file.
struct ConfigDecoder {
    let file: String
    /// Directory of the config file: relative paths are resolved against it.
    let baseDirectory: String
    /// Whether this is the value of `consul.config_key` (its `services` must not be empty).
    let remote: Bool
    private(set) var errors: [ConfigError] = []

    init(file: String, baseDirectory: String, remote: Bool = false) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.remote = remote
    }

    mutating func report(_ path: ConfigPath, line: Int?, _ message: String) {
        errors.append(ConfigError(file: file, path: path.description, line: line, message: message))
    }

    mutating func report(_ field: Field, _ message: String) {
        report(field.path, line: field.line, message)
    }

    mutating func typeError(_ field: Field, expected: String) {
        report(field, "expected \(expected), got \(field.node.kindDescription)")
    }

    mutating func missing(_ fields: Fields, _ key: String) {
        report(fields.path.key(key), line: fields.line, "missing required key \"\(key)\"")
    }

    // MARK: Collections

    /// Checks that `field` is a mapping with string keys among `known`;
    /// reports unknown keys (with a suggestion) and duplicate keys. A null
    /// value reads as an empty mapping; any other non-mapping is a type error
    /// and gives nil.
    mutating func mapping(_ field: Field, known: [String]) -> Fields? {
        if field.isNull { return Fields(path: field.path, line: field.line) }
        guard let pairs = field.node.pairs else {
            typeError(field, expected: "a mapping")
            return nil
        }
        var fields = Fields(path: field.path, line: field.node.line)
        for pair in pairs {
            guard let key = stringKey(pair, in: field) else { continue }
            let path = field.path.key(key)
            if let first = fields.entries[key] {
                report(path, line: pair.key.line, "duplicate key \"\(key)\" (first on line \(first.line))")
                continue
            }
            guard known.contains(key) else {
                var message = "unknown key \"\(key)\""
                if let close = Validation.suggestion(for: key, among: known) {
                    message += " (did you mean \"\(close)\"?)"
                } else {
                    message += " (known keys: \(known.joined(separator: ", ")))"
                }
                report(path, line: pair.key.line, message)
                continue
            }
            fields.entries[key] = Field(node: pair.value, path: path, line: pair.key.line)
        }
        return fields
    }

    /// A mapping with free-form string keys (labels, params): entries in
    /// order, duplicates reported and skipped. Null reads as empty.
    mutating func freeMapping(_ field: Field) -> [(key: String, field: Field)]? {
        if field.isNull { return [] }
        guard let pairs = field.node.pairs else {
            typeError(field, expected: "a mapping")
            return nil
        }
        var out: [(key: String, field: Field)] = []
        var seen: [String: Int] = [:]
        for pair in pairs {
            guard let key = stringKey(pair, in: field) else { continue }
            let path = field.path.key(key)
            if let first = seen[key] {
                report(path, line: pair.key.line, "duplicate key \"\(key)\" (first on line \(first))")
                continue
            }
            seen[key] = pair.key.line
            out.append((key, Field(node: pair.value, path: path, line: pair.key.line)))
        }
        return out
    }

    private mutating func stringKey(_ pair: YAMLPair, in field: Field) -> String? {
        guard let s = pair.key.scalar else {
            report(
                field.path, line: pair.key.line,
                "mapping keys must be strings, got \(pair.key.kindDescription)")
            return nil
        }
        return s.value
    }

    /// The items of a sequence field; nil (after a type error) otherwise.
    mutating func sequence(_ field: Field) -> [Field]? {
        guard let items = field.node.items else {
            typeError(field, expected: "a sequence")
            return nil
        }
        return items.enumerated().map { Field(node: $1, path: field.path.index($0), line: $1.line) }
    }

    // MARK: Scalars

    /// A string: any scalar except null and booleans (numbers keep their
    /// text as written, so `zone: 01` is "01"). The value never appears in
    /// the error message.
    mutating func string(_ field: Field) -> String? {
        guard let s = field.node.scalar else {
            typeError(field, expected: "a string")
            return nil
        }
        switch s.resolved {
        case .null, .bool:
            typeError(field, expected: "a string")
            return nil
        default:
            return s.value
        }
    }

    /// A non-empty string.
    mutating func nonEmptyString(_ field: Field) -> String? {
        guard let s = string(field) else { return nil }
        if s.isEmpty {
            report(field, "must not be empty")
            return nil
        }
        return s
    }

    /// A plain integer (a quoted "10" is a string, not an integer).
    mutating func int(_ field: Field, min: Int) -> Int? {
        guard let s = field.node.scalar, case .int(let value) = s.resolved else {
            typeError(field, expected: "an integer")
            return nil
        }
        if value < min {
            report(field, "must be at least \(min), got \(value)")
            return nil
        }
        return value
    }

    /// A number (integer or decimal).
    mutating func double(_ field: Field) -> Double? {
        guard let s = field.node.scalar else {
            typeError(field, expected: "a number")
            return nil
        }
        switch s.resolved {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default:
            typeError(field, expected: "a number")
            return nil
        }
    }

    /// A duration such as `500ms`, `10s`, `1m30s`; `positive` rejects `0s`.
    mutating func duration(_ field: Field, positive: Bool) -> Duration? {
        guard let s = field.node.scalar else {
            typeError(field, expected: "a duration such as 10s")
            return nil
        }
        switch s.resolved {
        case .null, .bool:
            typeError(field, expected: "a duration such as 10s")
            return nil
        case .int, .float:
            if s.value != "0" {
                report(field, "invalid duration \"\(s.value)\": missing unit (e.g. \(s.value)s)")
                return nil
            }
        case .string:
            break
        }
        guard let d = parseDuration(s.value) else {
            report(
                field,
                "invalid duration \"\(s.value)\": expected a number and a unit (ms, s, m, h, d, w, y), e.g. 500ms, 10s, 1m30s"
            )
            return nil
        }
        if positive, d <= .zero {
            report(field, "must be greater than 0s")
            return nil
        }
        return d
    }

    // MARK: Keyed getters (absent or null → default)

    mutating func string(_ fields: Fields, _ key: String, required: Bool = false) -> String? {
        guard let f = fields[key] else {
            if required { missing(fields, key) }
            return nil
        }
        return string(f)
    }

    mutating func int(_ fields: Fields, _ key: String, default value: Int, min: Int) -> Int {
        guard let f = fields[key] else { return value }
        return int(f, min: min) ?? value
    }

    mutating func duration(_ fields: Fields, _ key: String, default value: Duration, positive: Bool)
        -> Duration
    {
        guard let f = fields[key] else { return value }
        return duration(f, positive: positive) ?? value
    }

    /// A sequence of strings; a missing key gives nil without error.
    mutating func stringList(_ fields: Fields, _ key: String) -> [(value: String, field: Field)]? {
        guard let f = fields[key], let items = sequence(f) else { return nil }
        return items.compactMap { item in string(item).map { ($0, item) } }
    }

    // MARK: Paths

    /// A file path relative to the config file's directory.
    func resolvePath(_ path: String) -> String { Paths.resolve(path, against: baseDirectory) }
}
