import PromshardProtocol

/// Why `EXEC describe` did not produce a usable protocol-1 description.
public enum ExecutorDescribeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The executable could not be started (missing, not executable, bad interpreter…).
    case spawnFailed(executable: String, reason: String)
    /// `describe` did not finish within its deadline; its process group was killed.
    case timedOut(executable: String, deadline: Duration)
    /// `describe` exited non-zero or was killed by a signal.
    case abnormalExit(executable: String, status: String, stderrTail: String)
    /// The last stdout line is not a description object.
    case badOutput(executable: String, output: String)
    /// The description names a protocol this build does not speak.
    case unsupportedProtocol(executable: String, name: String, protocol: Int)

    public var description: String {
        switch self {
        case .spawnFailed(let executable, let reason):
            return "executor \(executable): cannot run `describe`: \(reason)"
        case .timedOut(let executable, let deadline):
            return
                "executor \(executable): `describe` did not answer within \(deadline.shortDescription)"
        case .abnormalExit(let executable, let status, let stderrTail):
            let tail = stderrTail.split(whereSeparator: \.isNewline).last.map { ": \($0)" } ?? ""
            return "executor \(executable): `describe` failed (\(status))\(tail)"
        case .badOutput(let executable, let output):
            let shown = output.isEmpty ? "no output" : "got \(output.debugDescription)"
            return
                "executor \(executable): `describe` did not print a JSON description {name, version, protocol}: \(shown)"
        case .unsupportedProtocol(let executable, let name, let version):
            return "executor \(executable) (\(name)) speaks protocol \(version); promshard needs protocol 1"
        }
    }
}
