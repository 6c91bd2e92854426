#if canImport(Glibc)
    import Glibc
#endif

/// A helper program could not be started.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program (argv[0]).
    public var program: String
    public var message: String

    public init(program: String, message: String) {
        self.program = program
        self.message = message
    }

    /// An error of `operation` from an errno value.
    init(program: String, errno code: Int32, _ operation: String) {
        self.program = program
        let reason = code == ENOENT ? "not found in PATH" : String(cString: strerror(code))
        self.message = "cannot \(operation) \(program): \(reason)"
    }

    public var description: String { message }
}
