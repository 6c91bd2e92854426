/// One problem found in a config file.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file as named by the caller (``ConfigLoader/load(path:)``'s
    /// `path`, or ``ConfigLoader/parse(yaml:sourcePath:)``'s `sourcePath`).
    public var file: String
    /// Key path such as `services[0].dispatch.timeout`; `""` for the document.
    public var path: String
    /// 1-based line in the file; nil when the file could not be read.
    public var line: Int?
    public var message: String

    public init(file: String = "", path: String, line: Int?, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    /// `<file>:<line>: <path>: <message>`; the line and path parts are left
    /// out when there is none.
    public var description: String {
        var out = file.isEmpty ? "<config>" : file
        if let line { out += ":\(line)" }
        out += ": "
        if !path.isEmpty { out += path + ": " }
        return out + message
    }
}

/// Every problem found in a config file, ordered by line.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    /// One ``ConfigError/description`` per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A key path being decoded: `services[0].dispatch.timeout`.
struct ConfigPath: Sendable, CustomStringConvertible {
    private(set) var description: String

    static let root = ConfigPath(description: "")

    /// `parent.key`, or `parent["odd key"]` when the key is not a plain word.
    func key(_ key: String) -> ConfigPath {
        let plain =
            !key.isEmpty
            && key.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            }
        if plain { return ConfigPath(description: description.isEmpty ? key : description + "." + key) }
        var escaped = ""
        for ch in key.unicodeScalars {
            switch ch {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    escaped += "\\u{\(String(ch.value, radix: 16))}"
                } else {
                    escaped.unicodeScalars.append(ch)
                }
            }
        }
        return ConfigPath(description: description + "[\"" + escaped + "\"]")
    }

    /// `parent[index]`
    func index(_ index: Int) -> ConfigPath { ConfigPath(description: description + "[\(index)]") }
}
