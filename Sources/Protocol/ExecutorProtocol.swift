import Foundation

/// Executor plugin protocol v1 (see docs/PLUGINS.md).
///
/// `EXEC describe` prints a ``ExecutorDescription``; `EXEC run` reads one
/// ``ExecutorRequest`` on stdin and writes JSON lines to stdout, the last of
/// which is an ``ExecutorResult``. Exit 0 = ok, 1 = failed, 2 = bad request.
public let executorProtocolVersion = 1

/// Answer to `EXEC describe`.
public struct ExecutorDescription: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var `protocol`: Int
    public init(name: String, version: String, protocol: Int = executorProtocolVersion) {
        self.name = name
        self.version = version
        self.protocol = `protocol`
    }
}

/// The collector an executor delivers to.
public struct ExecutorCollector: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var port: Int
    public init(name: String, address: String, port: Int) {
        self.name = name
        self.address = address
        self.port = port
    }
}

/// The file an executor delivers.
public struct ExecutorFile: Codable, Sendable, Equatable {
    /// Local path of the rendered file.
    public var path: String
    /// Destination path on the collector (placeholders expanded).
    public var dest: String
    public var sha256: String
    public init(path: String, dest: String, sha256: String) {
        self.path = path
        self.dest = dest
        self.sha256 = sha256
    }
}

/// The request an executor reads on stdin for `run`.
public struct ExecutorRequest: Codable, Sendable, Equatable {
    public var `protocol`: Int
    public var service: String
    public var collector: ExecutorCollector
    public var file: ExecutorFile
    /// Reload URL with placeholders expanded; nil when no reload is wanted.
    public var reloadURL: String?
    public var params: [String: JSONValue]
    public var deadlineMs: Int

    enum CodingKeys: String, CodingKey {
        case `protocol`, service, collector, file, params
        case reloadURL = "reload_url"
        case deadlineMs = "deadline_ms"
    }

    public init(
        service: String, collector: ExecutorCollector, file: ExecutorFile, reloadURL: String?,
        params: [String: JSONValue], deadlineMs: Int
    ) {
        self.protocol = executorProtocolVersion
        self.service = service
        self.collector = collector
        self.file = file
        self.reloadURL = reloadURL
        self.params = params
        self.deadlineMs = deadlineMs
    }
}

/// The result line an executor writes last on stdout.
public struct ExecutorResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case ok, failed }
    public var status: Status
    public var message: String
    public var changed: Bool?
    public init(status: Status, message: String, changed: Bool? = nil) {
        self.status = status
        self.message = message
        self.changed = changed
    }
}

/// Expands `{name}`, `{address}` and `{port}` in a template.
public func expandPlaceholders(_ template: String, collector: ExecutorCollector) -> String {
    template
        .replacingOccurrences(of: "{name}", with: collector.name)
        .replacingOccurrences(of: "{address}", with: collector.address)
        .replacingOccurrences(of: "{port}", with: String(collector.port))
}
