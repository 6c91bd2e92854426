/// Why a job request or a store operation failed; every case says what to fix.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The submitted job is not valid (no hosts, a bad host name, …).
    case invalidJob(String)
    /// A job with this id already exists.
    case duplicateID(String)
    /// No job with this id.
    case notFound(String)
    /// The store cannot be opened or used; `detail` never holds a password.
    case store(String)

    public var description: String {
        switch self {
        case .invalidJob(let why): "invalid job: \(why)"
        case .duplicateID(let id): "a job with id \"\(id)\" already exists"
        case .notFound(let id): "no job \"\(id)\""
        case .store(let detail): "job store: \(detail)"
        }
    }
}
