import Foundation
import PromshardProtocol
import PromshardRuntime

/// Runs executor plugins (protocol v1) under a deadline, one process group
/// per run, and turns whatever happened into an ``ExecutorOutcome``.
///
/// `run`:
/// - the executor is started as `EXEC run` in a new process group, with
///   default signal dispositions and an empty signal mask, and gets the
///   request (JSON, sorted keys, one line) on stdin, which is then closed;
/// - stdout (newest lines within `maxOutputBytes`) and stderr (last 4 KiB) are
///   drained concurrently, so a chatty executor never blocks on a full pipe;
/// - at the deadline the whole group gets SIGTERM, then SIGKILL after
///   `killGrace`: the outcome is `timeout`;
/// - once the executor has exited, whatever is left in its group (background
///   grandchildren) is SIGKILLed, so nothing outlives a run. A grandchild that
///   keeps stdout open therefore cannot hold the runner past the leader's exit
///   or, if the leader lingers, past deadline + grace.
///
/// Interpretation of the end (exit code, signal, last stdout line):
/// | end                                   | status        |
/// |---------------------------------------|---------------|
/// | stopped by the runner at the deadline | `timeout`     |
/// | exit 0, last line `{"status":"ok"}`   | `ok`          |
/// | exit 0, last line `"failed"`          | `failed`      |
/// | exit 0, no parseable result line      | `bad_output`  |
/// | exit 1                                | `failed`      |
/// | exit 2                                | `bad_request` |
/// | other exit code, or killed by a signal| `crashed`     |
/// | could not be started                  | `spawn_failed`|
///
/// Limits: a descendant that leaves the group (`setsid`, `setpgid`) escapes
/// the group kill; an executor must not do that. The runner ignores SIGPIPE
/// in this process (if it had the default action) so that writing the request
/// to an executor that exited early is an error, not a crash.
public struct ExecutorRunner: Sendable {
    /// Time between SIGTERM and SIGKILL at the deadline.
    public var killGrace: Duration
    /// Bytes of stdout kept (the newest lines; older ones are dropped).
    public var maxOutputBytes: Int
    /// Deadline of `EXEC describe`.
    public static let describeDeadline: Duration = .seconds(5)

    public init(killGrace: Duration = .seconds(2), maxOutputBytes: Int = 1 << 20) {
        self.killGrace = killGrace
        self.maxOutputBytes = maxOutputBytes
    }

    /// Runs `executable run` with the request JSON on stdin, in its own process
    /// group, under `deadline`. Never throws: every failure is an outcome.
    public func run(executable: String, request: ExecutorRequest, deadline: Duration) async -> ExecutorOutcome
    {
        await run(executable: executable, request: request, deadline: deadline, onLine: nil)
    }

    /// Runs `executable run` with any protocol-v1 request (e.g. a job unit's
    /// ``JobRequest``), handing every stdout line to `onLine` as it arrives;
    /// the outcome is interpreted as for ``run(executable:request:deadline:)``.
    public func run<Request: Encodable & Sendable>(
        executable: String, request: Request, deadline: Duration, onLine: (@Sendable (String) -> Void)?
    ) async -> ExecutorOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(request)
        } catch {
            return ExecutorOutcome(status: .badRequest, message: "cannot encode the request: \(error)")
        }
        let raw: ExecutorProcessResult
        do {
            raw = try await ExecutorProcess.run(
                executable: executable, arguments: ["run"], stdin: Array(json) + [0x0A], deadline: deadline,
                killGrace: killGrace, maxOutputBytes: maxOutputBytes, onLine: onLine)
        } catch {
            return ExecutorOutcome(status: .spawnFailed, message: error.message)
        }
        return Self.interpret(raw, deadline: deadline, killGrace: killGrace)
    }

    /// Runs `executable describe` (deadline 5 s) and checks that it speaks protocol 1.
    public func describe(executable: String) async throws(ExecutorDescribeError) -> ExecutorDescription {
        let raw: ExecutorProcessResult
        do {
            raw = try await ExecutorProcess.run(
                executable: executable, arguments: ["describe"], stdin: [], deadline: Self.describeDeadline,
                killGrace: killGrace, maxOutputBytes: 64 * 1024)
        } catch {
            throw .spawnFailed(executable: executable, reason: error.message)
        }
        if raw.stop != nil { throw .timedOut(executable: executable, deadline: Self.describeDeadline) }
        switch raw.termination {
        case .exited(0): break
        case .exited(let code):
            throw .abnormalExit(
                executable: executable, status: "exit code \(code)", stderrTail: raw.stderrTail)
        case .signaled(let signal):
            throw .abnormalExit(
                executable: executable, status: "killed by \(signalName(signal))",
                stderrTail: raw.stderrTail)
        }
        let line = Self.lastLine(raw.stdoutLines) ?? ""
        guard let description = try? JSONDecoder().decode(ExecutorDescription.self, from: Data(line.utf8))
        else {
            throw .badOutput(executable: executable, output: Self.clip(line))
        }
        guard description.protocol == executorProtocolVersion else {
            throw .unsupportedProtocol(
                executable: executable, name: description.name, protocol: description.protocol)
        }
        return description
    }

    // MARK: - Interpretation

    /// The result line, leniently decoded: `message` and `changed` may be missing.
    private struct ResultLine: Decodable {
        var status: ExecutorResult.Status
        var message: String?
        var changed: Bool?
    }

    static func interpret(_ raw: ExecutorProcessResult, deadline: Duration, killGrace: Duration)
        -> ExecutorOutcome
    {
        let last = lastLine(raw.stdoutLines)
        let result = last.flatMap { try? JSONDecoder().decode(ResultLine.self, from: Data($0.utf8)) }
        var outcome = ExecutorOutcome(
            status: .crashed, message: "", changed: result?.changed, stdoutLines: raw.stdoutLines,
            stderrTail: raw.stderrTail, duration: raw.duration)
        switch raw.termination {
        case .exited(let code): outcome.exitCode = code
        case .signaled(let signal): outcome.signal = signal
        }
        let said = result.map { ": \($0.message ?? $0.status.rawValue)" } ?? ""
        let stderrHint = stderrLastLine(raw.stderrTail).map { "; stderr: \($0)" } ?? ""

        if let stop = raw.stop {
            outcome.status = .timeout
            switch stop {
            case .deadline(escalated: false):
                outcome.message =
                    "deadline \(deadline.shortDescription) exceeded, process group terminated (SIGTERM)"
            case .deadline(escalated: true):
                outcome.message =
                    "deadline \(deadline.shortDescription) exceeded, process group killed (SIGTERM, then SIGKILL after \(killGrace.shortDescription))"
            case .cancelled:
                outcome.message = "run cancelled, process group killed"
            }
            return outcome
        }

        switch raw.termination {
        case .signaled(let signal):
            outcome.status = .crashed
            outcome.message = "killed by signal \(signal) (\(signalName(signal)))\(stderrHint)"
        case .exited(0):
            switch result?.status {
            case .ok?:
                outcome.status = .ok
                outcome.message = result?.message ?? "ok"
            case .failed?:
                outcome.status = .failed
                outcome.message = result?.message ?? "failed"
            case nil:
                outcome.status = .badOutput
                outcome.message =
                    last.map { "exit code 0 but the last stdout line is not a result: \(clip($0))" }
                    ?? "exit code 0 but no result line on stdout"
            }
        case .exited(1):
            outcome.status = .failed
            if let result, result.status == .failed, let message = result.message {
                outcome.message = message
            } else {
                outcome.message =
                    "exit code 1" + (result == nil ? " without a result line\(stderrHint)" : said)
            }
        case .exited(2):
            outcome.status = .badRequest
            outcome.message = "exit code 2 (bad request)" + (result == nil ? stderrHint : said)
        case .exited(let code):
            outcome.status = .crashed
            outcome.message = "exit code \(code)" + (result == nil ? stderrHint : said)
        }
        return outcome
    }

    /// The last non-blank line.
    static func lastLine(_ lines: [String]) -> String? {
        lines.last { !$0.allSatisfy(\.isWhitespace) }
    }

    private static func stderrLastLine(_ tail: String) -> String? {
        tail.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map {
            clip(String($0))
        }
    }

    /// At most 200 characters of `text`, for messages.
    private static func clip(_ text: String) -> String {
        text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
