import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Output format of the logs on stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=… level=info role=supervisor msg="…" key=value` (the default).
    case logfmt
    /// One JSON object per line.
    case json
}

/// A systemd-style log handler: one line per event on stderr, in logfmt or
/// JSON, with the process role on every line so the journal of the whole
/// process tree reads as one log.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let format: LogFormat
    private let role: String

    public init(role: String, format: LogFormat, level: Logger.Level) {
        self.role = role
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        if let error = event.error { fields["error"] = "\(error)" }
        let line: String
        switch format {
        case .logfmt:
            line = Self.logfmt(level: event.level, role: role, message: "\(event.message)", fields: fields)
        case .json:
            line = Self.json(level: event.level, role: role, message: "\(event.message)", fields: fields)
        }
        StderrWriter.write(line + "\n")
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &t)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
            t.tm_hour,
            t.tm_min, t.tm_sec, ts.tv_nsec / 1_000_000)
    }

    /// Formats one logfmt line (pure apart from the timestamp).
    static func logfmt(level: Logger.Level, role: String, message: String, fields: Logger.Metadata) -> String
    {
        var parts = ["ts=\(timestamp())", "level=\(level)", "role=\(role)", "msg=\(logfmtValue(message))"]
        for key in fields.keys.sorted() {
            parts.append("\(key)=\(logfmtValue("\(fields[key]!)"))")
        }
        return parts.joined(separator: " ")
    }

    /// Quotes a logfmt value when it needs quoting.
    static func logfmtValue(_ s: String) -> String {
        let needsQuotes =
            s.isEmpty || s.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\n" || $0 == "\\" }
        guard needsQuotes else { return s }
        let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\""
        )
        .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    static func json(level: Logger.Level, role: String, message: String, fields: Logger.Metadata) -> String {
        var object: [String: String] = ["ts": timestamp(), "level": "\(level)", "role": role, "msg": message]
        for (key, value) in fields where object[key] == nil { object[key] = "\(value)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(object)).flatMap { String(data: $0, encoding: .utf8) } ?? message
    }
}

/// Writes whole lines to stderr with one write(2) each so lines of the
/// processes sharing the journal do not interleave.
enum StderrWriter {
    static let lock = NSLock()
    static func write(_ s: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes = Array(s.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// Sets up swift-log for this process.
public func bootstrapLogging(role: String, format: LogFormat, level: Logger.Level) {
    LoggingSystem.bootstrap { _ in StderrLogHandler(role: role, format: format, level: level) }
}
