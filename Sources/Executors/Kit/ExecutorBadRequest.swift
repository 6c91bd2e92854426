/// A request the executor cannot act on: unparseable JSON, an unsupported
/// protocol version, a missing or mistyped parameter. Reported as a `failed`
/// result line and exit code 2 (``ExecutorExitCode/badRequest``).
public struct ExecutorBadRequest: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "bad request: \(message)" }
}
