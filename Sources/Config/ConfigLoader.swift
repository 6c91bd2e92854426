#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and validates promshard's YAML config (see docs/CONFIG.md).
///
/// Every problem in the file is collected and thrown together as
/// ``ConfigErrors``, ordered by line; nothing in the input can crash it.
/// Relative paths in the config are resolved against the file's directory.
public enum ConfigLoader {
    /// Largest config file accepted.
    public static let maxFileSize = 16 << 20

    /// Reads and validates the file at `path` (relative paths are taken
    /// from the current directory). Errors name the file as `path` was given.
    public static func load(path: String) throws(ConfigErrors) -> PromshardConfig {
        let absolute = absolutePath(path)
        switch readFile(absolute) {
        case .success(let bytes):
            return try decode(bytes: bytes, sourcePath: absolute, displayName: path)
        case .failure(let message):
            throw ConfigErrors([
                ConfigError(
                    file: path, path: "", line: nil, message: "cannot read config file: \(message.text)")
            ])
        }
    }

    /// Parses `yaml` as if it were the file at `sourcePath` (absolute; a
    /// relative one is taken from the current directory). Pure apart from
    /// that: no file is read or checked.
    public static func parse(yaml: String, sourcePath: String) throws(ConfigErrors) -> PromshardConfig {
        try decode(bytes: Array(yaml.utf8), sourcePath: absolutePath(sourcePath), displayName: sourcePath)
    }

    static func decode(bytes: [UInt8], sourcePath: String, displayName: String, remote: Bool = false)
        throws(ConfigErrors) -> PromshardConfig
    {
        var decoder = ConfigDecoder(
            file: displayName, baseDirectory: Paths.directory(of: sourcePath), remote: remote)
        let root: YAMLNode?
        do {
            root = try YAML.parse(bytes: bytes, allowDuplicateKeys: true)
        } catch {
            throw ConfigErrors([
                ConfigError(
                    file: displayName, path: "", line: error.line,
                    message: "invalid YAML (column \(error.column)): \(error.message)")
            ])
        }
        guard let root else {
            throw ConfigErrors([
                ConfigError(
                    file: displayName, path: "", line: 1,
                    message: "the config is empty: expected a mapping with at least \"services\"")
            ])
        }
        let config = decoder.decodeConfig(root, sourcePath: sourcePath)
        guard let config, decoder.errors.isEmpty else {
            let ordered = decoder.errors.enumerated().sorted { a, b in
                let la = a.element.line ?? Int.max
                let lb = b.element.line ?? Int.max
                return la != lb ? la < lb : a.offset < b.offset
            }
            throw ConfigErrors(ordered.map(\.element))
        }
        return config
    }

    // MARK: File system

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return Paths.normalize(path) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return Paths.normalize("/" + path) }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Paths.resolve(path, against: cwd)
    }

    static func readFile(_ path: String) -> Result<[UInt8], Validation.Message> {
        guard let file = fopen(path, "rb") else {
            return .failure(Validation.Message(String(cString: strerror(errno))))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if bytes.count > maxFileSize {
                return .failure(Validation.Message("file is larger than \(maxFileSize) bytes"))
            }
            if n < chunk.count {
                if ferror(file) != 0 { return .failure(Validation.Message(String(cString: strerror(errno)))) }
                return .success(bytes)
            }
        }
    }
}
