import Foundation
import PromshardTestSupport

/// A ``Fleet`` whose config also has an `http:` listen address and,
/// optionally, a `zabbix:` section.
struct HealthFleet {
    let fleet: Fleet
    let httpPort: Int

    /// `zabbix`: the body of the `zabbix:` mapping, e.g. `{ server: …, host: … }`.
    /// `backoff`: restart backoff of the children.
    init(collectors: Int = 2, zabbix: String? = nil, backoff: String = "200ms", httpPort: Int? = nil) throws {
        fleet = try Fleet(collectors: collectors, targets: 20)
        self.httpPort = httpPort ?? freePort()
        var text = fleet.config().replacingOccurrences(
            of: "backoff_initial: 200ms, backoff_max: 1s",
            with: "backoff_initial: \(backoff), backoff_max: \(backoff)")
        text += "http: { listen: 127.0.0.1:\(self.httpPort) }\n"
        if let zabbix { text += "zabbix: \(zabbix)\n" }
        try fleet.dir.write("promshard.yaml", text)
    }

    /// GET on promshard's HTTP server: (status, body), nil when not answering.
    func get(_ path: String) -> (Int, String)? {
        guard let (status, body) = try? HTTPGet.get(port: httpPort, path: path) else { return nil }
        return (status, String(decoding: body, as: UTF8.self))
    }

    /// The JSON object of a GET, nil when not answering or not JSON.
    func json(_ path: String) -> [String: Any]? {
        guard let (_, body) = get(path) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    var log: String { fleet.daemon?.log ?? "" }
}
