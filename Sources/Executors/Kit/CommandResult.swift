import Foundation
import PromshardProtocol

/// How a helper program run by ``CommandRunner`` ended, with its output.
public struct CommandResult: Sendable, Equatable {
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }
    public var termination: Termination
    /// Whether it was still running at its timeout (and was terminated).
    public var timedOut: Bool
    /// The last 64 KiB of stdout.
    public var stdout: String
    /// The last 64 KiB of stderr.
    public var stderr: String
    public var duration: Duration

    /// Exit code 0 within the timeout.
    public var succeeded: Bool { !timedOut && termination == .exited(0) }

    /// The exit code, if it exited.
    public var exitCode: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }

    /// The last `count` non-blank lines of stderr (else stdout), joined by
    /// " / ", at most 300 characters: for messages ("ssh: connect to host …:
    /// Connection refused / scp: Connection closed").
    public func lastOutputLines(_ count: Int = 2) -> String? {
        for text in [stderr, stdout] {
            let lines = text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !lines.isEmpty else { continue }
            let s = lines.suffix(count).joined(separator: " / ")
            return s.count > 300 ? "…" + String(s.suffix(300)) : s
        }
        return nil
    }

    /// "exit code 1", "killed by signal 9", or "timed out after 5s".
    public var summary: String {
        if timedOut { return "timed out after \(duration.shortDescription)" }
        switch termination {
        case .exited(let code): return "exit code \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}
