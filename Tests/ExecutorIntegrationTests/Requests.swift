import Foundation
import PromshardProtocol
import PromshardTestSupport

/// Requests and files shared by the executor tests.
enum Requests {
    /// A request to deliver `path` to `dest` on collector `address:port`.
    static func make(
        path: String, dest: String, address: String = "127.0.0.1", port: Int, reloadURL: String?,
        params: [String: JSONValue], deadlineMs: Int = 20_000, service: String = "node"
    ) -> ExecutorRequest {
        ExecutorRequest(
            service: service,
            collector: ExecutorCollector(name: "\(address):\(port)", address: address, port: port),
            file: ExecutorFile(path: path, dest: dest, sha256: String(repeating: "0", count: 64)),
            reloadURL: reloadURL, params: params, deadlineMs: deadlineMs)
    }

    /// A file_sd document with `targets`.
    static func fileSD(_ targets: [String]) -> String {
        "[{\"targets\":[\(targets.map { "\"\($0)\"" }.joined(separator: ","))],\"labels\":{\"job\":\"node\"}}]\n"
    }

    /// `params` with `extra` merged in (extra wins).
    static func merge(_ base: [String: JSONValue], _ extra: [String: JSONValue]) -> [String: JSONValue] {
        base.merging(extra) { _, new in new }
    }
}
