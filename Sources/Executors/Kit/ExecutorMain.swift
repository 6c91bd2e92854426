import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The `main` of an executor written in Swift: handles `describe` and `run`
/// as plugin protocol v1 requires.
///
/// ```swift
/// ExecutorMain.run(description: ExecutorDescription(name: "demo", version: "1.0")) { request, context in
///     context.progress("working")
///     return ExecutorResult(status: .ok, message: "done", changed: true)
/// }
/// ```
public enum ExecutorMain {
    /// Parses argv, runs the handler for `run`, writes the result line and exits
    /// with the protocol's exit code: 0 for `ok`, 1 for `failed`, 2 for a bad
    /// request (bad usage, unreadable/invalid request, or the handler throwing
    /// ``ExecutorBadRequest``).
    public static func run(
        description: ExecutorDescription, arguments: [String] = CommandLine.arguments,
        handler: (ExecutorRequest, ExecutorContext) throws(ExecutorBadRequest) -> ExecutorResult
    ) -> Never {
        exit(main(description: description, arguments: arguments, handler: handler).rawValue)
    }

    /// Like ``run(description:arguments:handler:)`` but returns the exit code
    /// instead of exiting (for tests).
    public static func main(
        description: ExecutorDescription, arguments: [String],
        handler: (ExecutorRequest, ExecutorContext) throws(ExecutorBadRequest) -> ExecutorResult
    ) -> ExecutorExitCode {
        let verb = arguments.dropFirst().first
        switch verb {
        case "describe":
            ExecutorOutput.description(description)
            return .ok
        case "run":
            let started = ContinuousClock.now
            do {
                let request = try ExecutorRequestReader.readStandardInput()
                let result = try handler(request, ExecutorContext(request: request, now: started))
                ExecutorOutput.result(result)
                return result.status == .ok ? .ok : .failed
            } catch {
                ExecutorOutput.log(error.description)
                ExecutorOutput.result(ExecutorResult(status: .failed, message: error.description))
                return .badRequest
            }
        default:
            let name =
                arguments.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? "executor"
            ExecutorOutput.log(
                "usage: \(name) describe | run   (promshard executor plugin, protocol \(executorProtocolVersion))"
            )
            return .badRequest
        }
    }
}
