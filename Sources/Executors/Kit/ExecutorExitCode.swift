/// Exit codes of `EXEC run` in plugin protocol v1.
public enum ExecutorExitCode: Int32, Sendable {
    /// The delivery succeeded (result status `ok`).
    case ok = 0
    /// The delivery failed (result status `failed`).
    case failed = 1
    /// The request could not be understood: bad JSON, wrong protocol, bad params, bad usage.
    case badRequest = 2
}
