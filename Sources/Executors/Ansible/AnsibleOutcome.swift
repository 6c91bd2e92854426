import Foundation
import PromshardExecutorKit

/// What an `ansible-playbook` run means (pure): its exit code (and the
/// lines of its output that say why) turned into a result message.
///
/// | exit | meaning |
/// |---|---|
/// | 0 | ok |
/// | 1 | error (before or outside the play) |
/// | 2 | one or more tasks failed on the host |
/// | 3 | not used by ansible-core 2.14 |
/// | 4 | the host was unreachable, or the playbook could not be parsed |
/// | 5 | bad or incomplete options |
/// | 8 | the play was interrupted by a failure |
/// | 99 | interrupted (SIGINT) |
/// | 250 | unexpected error in ansible |
enum AnsibleOutcome {
    /// The meaning of an exit code.
    static func meaning(ofExitCode code: Int32) -> String {
        switch code {
        case 0: "ok"
        case 1: "ansible-playbook error"
        case 2: "a task failed on the host"
        case 4: "host unreachable (or the playbook could not be parsed)"
        case 5: "bad or incomplete ansible-playbook options"
        case 8: "the play failed"
        case 99: "ansible-playbook was interrupted"
        case 250: "unexpected error in ansible-playbook"
        default: "ansible-playbook exit code \(code)"
        }
    }

    /// The last line that says what went wrong: a `fatal:` task result (its
    /// `msg` when it has one), or an `ERROR!` line.
    static func reason(in output: String) -> String? {
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        guard
            let line = lines.last(where: {
                $0.hasPrefix("fatal: [") || $0.hasPrefix("ERROR!") || $0.contains("UNREACHABLE!")
            })
        else { return nil }
        if let arrow = line.range(of: "=> "),
            let object = try? JSONSerialization.jsonObject(with: Data(line[arrow.upperBound...].utf8))
                as? [String: Any],
            let msg = object["msg"] as? String
        {
            return clip(msg)
        }
        return clip(line)
    }

    /// Whether the recap says something changed on the host (nil: no recap).
    static func changed(in output: String) -> Bool? {
        guard let recap = output.range(of: "PLAY RECAP") else { return nil }
        let tail = output[recap.upperBound...]
        guard let field = tail.range(of: "changed=") else { return nil }
        let digits = tail[field.upperBound...].prefix { $0.isNumber }
        return Int(digits).map { $0 > 0 }
    }

    private static func clip(_ text: String) -> String {
        let single = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return single.count > 300 ? String(single.prefix(300)) + "…" : single
    }
}
