import PromshardProtocol

/// How a scalar was written in the YAML text.
public enum YAMLScalarStyle: Sendable, Equatable {
    /// Unquoted: subject to type resolution (`10` is an integer, `true` a boolean).
    case plain
    /// `'...'`: always a string.
    case singleQuoted
    /// `"..."`: always a string.
    case doubleQuoted
    /// `|` block scalar: always a string.
    case literal
    /// `>` block scalar: always a string.
    case folded
}

/// A scalar as written: its text, explicit tag (if any) and style.
public struct YAMLScalar: Sendable, Equatable {
    /// The scalar's text after YAML unescaping/folding.
    public var value: String
    /// The explicit tag, e.g. `tag:yaml.org,2002:str` for `!!str`; nil when untagged.
    public var tag: String?
    public var style: YAMLScalarStyle

    public init(value: String, tag: String? = nil, style: YAMLScalarStyle = .plain) {
        self.value = value
        self.tag = tag
        self.style = style
    }

    /// The scalar's typed value.
    ///
    /// Quoted and block scalars are always strings. Plain scalars follow the
    /// YAML 1.2 core schema (close to what YAML 1.1 users expect):
    /// `null`/`Null`/`NULL`/`~`/empty → null; `true`/`True`/`TRUE`/`false`/… →
    /// boolean; `[-+]?[0-9]+`, `0x…`, `0o…` → integer; decimal floats with an
    /// optional exponent → number; everything else (including `yes`/`no`,
    /// `.inf` and `.nan`, which JSON cannot carry) → string. Explicit tags
    /// `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` and the non-specific `!`
    /// win over resolution.
    public var resolved: YAMLResolvedScalar {
        switch tag {
        case "tag:yaml.org,2002:str", "!":
            return .string(value)
        case "tag:yaml.org,2002:null":
            return .null
        case "tag:yaml.org,2002:bool":
            return Self.resolvePlain(value).ifBool ?? .string(value)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            let r = Self.resolvePlain(value)
            switch r {
            case .int, .float: return r
            default: return .string(value)
            }
        default:
            break
        }
        guard style == .plain else { return .string(value) }
        return Self.resolvePlain(value)
    }

    static func resolvePlain(_ v: String) -> YAMLResolvedScalar {
        switch v {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let bytes = Array(v.utf8)
        guard let first = bytes.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39)
        else { return .string(v) }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "x"), let i = Int(String(v.dropFirst(2)), radix: 16),
                !v.dropFirst(2).hasPrefix("-"), !v.dropFirst(2).hasPrefix("+")
            {
                return .int(i)
            }
            if bytes[1] == UInt8(ascii: "o"), let i = Int(String(v.dropFirst(2)), radix: 8),
                !v.dropFirst(2).hasPrefix("-"), !v.dropFirst(2).hasPrefix("+")
            {
                return .int(i)
            }
        }
        if isDecimalInteger(bytes) {
            if let i = Int(v) { return .int(i) }
            if let d = Double(v), d.isFinite { return .float(d) }
            return .string(v)
        }
        if isDecimalFloat(bytes), let d = Double(v), d.isFinite { return .float(d) }
        return .string(v)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isDecimalInteger(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < b.count else { return false }
        return b[i...].allSatisfy(isDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isDecimalFloat(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        var intDigits = 0
        while i < b.count, isDigit(b[i]) {
            i += 1
            intDigits += 1
        }
        var fracDigits = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) {
                i += 1
                fracDigits += 1
            }
        }
        guard intDigits > 0 || fracDigits > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            var expDigits = 0
            while i < b.count, isDigit(b[i]) {
                i += 1
                expDigits += 1
            }
            guard expDigits > 0 else { return false }
        }
        return i == b.count
    }
}

/// The typed value of a scalar (see ``YAMLScalar/resolved``).
public enum YAMLResolvedScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    fileprivate var ifBool: YAMLResolvedScalar? {
        if case .bool = self { return self }
        return nil
    }
}

/// One `key: value` entry of a mapping; the key keeps its own position.
public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A node of a parsed YAML document, with the position where it starts.
///
/// Aliases are already resolved (an alias is a copy of its anchored node,
/// positioned at the alias) and `<<` merge keys already applied.
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case scalar(YAMLScalar)
        /// Items in document order.
        case sequence([YAMLNode])
        /// Entries in document order; may hold duplicate keys only when parsed
        /// with `allowDuplicateKeys: true`.
        case mapping([YAMLPair])
    }

    public var kind: Kind
    /// 1-based line where the node starts.
    public var line: Int
    /// 1-based column where the node starts.
    public var column: Int

    public init(_ kind: Kind, line: Int = 1, column: Int = 1) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let a) = kind { return a }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var pairs: [YAMLPair]? {
        if case .mapping(let p) = kind { return p }
        return nil
    }

    /// True for a scalar that resolves to null (`~`, `null`, empty).
    public var isNull: Bool {
        if let s = scalar, case .null = s.resolved { return true }
        return false
    }

    /// The value of the first entry whose key is the scalar `key`.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalar?.value == key }?.value
    }

    /// What this node is, for error messages: "a string", "an integer",
    /// "a number", "a boolean", "null", "a mapping", "a sequence".
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let s):
            switch s.resolved {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }

    /// The text used as an object key when converting to JSON: a scalar's
    /// text as written, or a compact flow rendering of a complex key.
    public var keyText: String {
        if let s = scalar { return s.value }
        return flowText
    }

    var flowText: String {
        switch kind {
        case .scalar(let s): return s.style == .plain ? s.value : "\"\(s.value)\""
        case .sequence(let items): return "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { "\($0.key.flowText): \($0.value.flowText)" }.joined(separator: ", ")
                + "}"
        }
    }

    /// Converts the node to JSON: scalars by ``YAMLScalar/resolved`` (integers
    /// become numbers), sequences to arrays, mappings to objects keyed by
    /// ``keyText``; with duplicate keys the first entry wins.
    public func toJSONValue() -> JSONValue {
        switch kind {
        case .scalar(let s):
            switch s.resolved {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .number(Double(i))
            case .float(let d): return .number(d)
            case .string(let str): return .string(str)
            }
        case .sequence(let items):
            return .array(items.map { $0.toJSONValue() })
        case .mapping(let pairs):
            var object: [String: JSONValue] = [:]
            for pair in pairs {
                let k = pair.key.keyText
                if object[k] == nil { object[k] = pair.value.toJSONValue() }
            }
            return .object(object)
        }
    }
}
