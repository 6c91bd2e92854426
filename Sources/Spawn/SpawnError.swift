#if canImport(Glibc)
    import Glibc
#endif

/// A process could not be started.
public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program that was to run (`argv[0]`).
    public var program: String
    /// What went wrong, with the system's reason.
    public var reason: String
    /// The errno value of a failed `posix_spawn`, when that was the failure.
    public var code: Int32?

    public init(program: String, reason: String, code: Int32? = nil) {
        self.program = program
        self.reason = reason
        self.code = code
    }

    init(program: String, errno code: Int32) {
        self.init(program: program, reason: String(cString: strerror(code)), code: code)
    }

    public var description: String { "cannot start \(program): \(reason)" }
}
