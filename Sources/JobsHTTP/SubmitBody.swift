import Foundation
import PromshardConfig
import PromshardJobs
import PromshardProtocol

/// The body of `POST /api/v1/jobs`, a JSON object: `hosts` (an array of
/// strings), then `module` (with optional `args`) or `playbook` (an absolute
/// path on the promshard host), and optional `timeout` (a duration such as
/// `"90s"`), `unit_size` (an integer ≥ 1) and `id`.
///
/// Like the config, the body is strict: a key it does not know or a value of
/// the wrong type is a 400 naming the key, so a misspelt `unit_size` is not
/// silently ignored.
struct SubmitBody: Equatable {
    var hosts: [String]
    var module: String?
    var args: String?
    var playbook: String?
    var timeout: String?
    var unitSize: Int?
    var id: String?

    /// The longest body accepted (413 past it).
    static let maxBytes = 8 << 20

    static let keys: [String] = ["hosts", "module", "args", "playbook", "timeout", "unit_size", "id"]

    /// Parses the request body, or says what is wrong with it (400).
    static func decode(_ data: Data) throws(JobsHTTPError) -> SubmitBody {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw bad("the body is not JSON: send an object like {\"hosts\": [...], \"module\": \"ping\"}")
        }
        guard case .object(let object) = value else { throw bad("the body must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw bad("unknown key \"\(unknown)\" (known: \(keys.joined(separator: ", ")))")
        }
        guard let hostsValue = object["hosts"] else { throw bad("missing key \"hosts\": an array of hosts") }
        guard case .array(let items) = hostsValue else { throw bad("\"hosts\" must be an array of strings") }
        var hosts: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let host) = item else { throw bad("\"hosts\"[\(i)] must be a string") }
            hosts.append(host)
        }
        func string(_ key: String) throws(JobsHTTPError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw bad("\"\(key)\" must be a string")
            }
        }
        var unitSize: Int?
        switch object["unit_size"] {
        case nil, .null?: break
        case .number(let n)? where n.rounded() == n && abs(n) < 1e9: unitSize = Int(n)
        default: throw bad("\"unit_size\" must be an integer")
        }
        return SubmitBody(
            hosts: hosts, module: try string("module"), args: try string("args"),
            playbook: try string("playbook"), timeout: try string("timeout"), unitSize: unitSize,
            id: try string("id"))
    }

    /// The job to submit, with the config's defaults for what the body leaves out.
    func spec(defaults: JobsSettings) throws(JobsHTTPError) -> JobSpec {
        let task: JobTask
        switch (module, playbook) {
        case (let m?, nil): task = .adhoc(module: m, args: args)
        case (nil, let p?):
            guard args == nil else { throw Self.bad("\"args\" goes with \"module\", not \"playbook\"") }
            guard p.hasPrefix("/"), FileManager.default.isReadableFile(atPath: p) else {
                throw Self.bad("playbook \(p) is not a readable absolute path")
            }
            task = .playbook(p)
        case (_?, _?): throw Self.bad("give \"module\" or \"playbook\", not both")
        case (nil, nil): throw Self.bad("give \"module\" (with \"args\") or \"playbook\"")
        }
        var timeout = defaults.timeout
        if let t = self.timeout {
            guard let d = parseDuration(t), d > .zero else {
                throw Self.bad("timeout \"\(t)\" is not a duration like 90s")
            }
            timeout = d
        }
        let ms = Int(timeout.wholeMilliseconds)
        return JobSpec(
            id: id, hosts: hosts, task: task, unitSize: unitSize ?? defaults.unitSize, timeoutMs: ms)
    }

    static func bad(_ message: String) -> JobsHTTPError {
        JobsHTTPError(status: .badRequest, message: message)
    }
}
