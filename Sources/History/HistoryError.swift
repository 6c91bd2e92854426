import GRDB

/// Why the history database could not be used. Every case names the file and
/// says what to do about it.
public enum HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a SQLite database, or its content is damaged.
    case corrupt(path: String, detail: String)
    /// Another connection holds a lock that did not go away within the busy timeout.
    case locked(path: String, detail: String)
    /// The file or its directory cannot be opened or written (missing, permissions, read-only).
    case cannotOpen(path: String, detail: String)
    /// A SQLite database, but not one promshard wrote (or one from a newer promshard).
    case notAHistory(path: String, detail: String)
    /// Any other SQLite failure.
    case failed(path: String, operation: String, detail: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let detail):
            "history database \(path) is corrupt or not a SQLite database (\(detail)); move it aside and promshard starts a new one"
        case .locked(let path, let detail):
            "history database \(path) is locked by another connection (\(detail)); another process holds a write transaction on it"
        case .cannotOpen(let path, let detail):
            "cannot open history database \(path): \(detail)"
        case .notAHistory(let path, let detail):
            "\(path) is not a promshard history database: \(detail)"
        case .failed(let path, let operation, let detail):
            "history database \(path): cannot \(operation): \(detail)"
        }
    }

    /// Classifies an error thrown by GRDB while doing `operation` on `path`.
    static func from(_ error: any Error, path: String, operation: String) -> HistoryError {
        if let error = error as? HistoryError { return error }
        guard let error = error as? DatabaseError else {
            return .failed(path: path, operation: operation, detail: "\(error)")
        }
        let detail = "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(path: path, detail: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .cannotOpen(path: path, detail: detail)
        default: return .failed(path: path, operation: operation, detail: detail)
        }
    }
}
