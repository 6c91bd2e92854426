import PromshardProtocol

/// Answers an ``SDRoute`` from the ``SDCache``. Pure: the same bytes for
/// every poll, never a render.
///
/// - 200 `application/json` with the collector's document and its ETag;
///   304 when `If-None-Match` names that ETag.
/// - 404 for a service that is not configured or a collector it does not have.
/// - 503 for a configured service that has no documents yet (just started):
///   Prometheus keeps the targets it has on any error, so promshard never
///   empties a collector by not knowing yet.
public enum SDResponder {
    /// An HTTP answer.
    public struct Reply: Equatable, Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public static func == (a: Reply, b: Reply) -> Bool {
            a.status == b.status && a.body == b.body
                && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// The reply to `route`; `services` are the configured services in config order.
    public static func reply(
        _ route: SDRoute, ifNoneMatch: String?, cache: SDCache, services: [String]
    ) -> Reply {
        switch route {
        case .sd(let service, let collector), .jobTargets(let service, .some(let collector)):
            return document(
                service: service, collector: collector, ifNoneMatch: ifNoneMatch, cache: cache,
                services: services)
        case .jobs:
            var out = JSONWriter(capacity: 64 + services.count * 64)
            out.raw("{")
            for (i, service) in services.enumerated() {
                out.raw(i == 0 ? "\n  " : ",\n  ")
                out.string(service)
                out.raw(": {\"_link\": ")
                out.string("/jobs/\(SDRoute.encode(service))/targets")
                out.raw("}")
            }
            out.raw(services.isEmpty ? "}\n" : "\n}\n")
            return Reply(status: 200, headers: [("Content-Type", "application/json")], body: out.bytes)
        case .jobTargets(let service, nil):
            guard services.contains(service) else { return error(404, "unknown service \"\(service)\"") }
            guard let entries = cache.services[service] else { return notYet(service) }
            var out = JSONWriter(capacity: entries.values.reduce(64) { $0 + $1.body.count + 128 })
            out.raw("{")
            for (i, name) in entries.keys.sorted().enumerated() {
                out.raw(i == 0 ? "\n  " : ",\n  ")
                out.string(name)
                out.raw(": {\"_link\": ")
                out.string("/jobs/\(SDRoute.encode(service))/targets?collector_id=\(SDRoute.encode(name))")
                out.raw(", \"targets\": ")
                out.json(trimmed(entries[name]!.body))
                out.raw("}")
            }
            out.raw(entries.isEmpty ? "}\n" : "\n}\n")
            return Reply(status: 200, headers: [("Content-Type", "application/json")], body: out.bytes)
        }
    }

    static func document(
        service: String, collector: String, ifNoneMatch: String?, cache: SDCache, services: [String]
    ) -> Reply {
        guard services.contains(service) else { return error(404, "unknown service \"\(service)\"") }
        guard let entries = cache.services[service] else { return notYet(service) }
        guard let entry = entries[collector] else {
            return error(404, "service \"\(service)\" has no collector \"\(collector)\"")
        }
        if let ifNoneMatch, matches(ifNoneMatch, etag: entry.etag) {
            return Reply(status: 304, headers: [("ETag", entry.etag)], body: [])
        }
        return Reply(
            status: 200, headers: [("Content-Type", "application/json"), ("ETag", entry.etag)],
            body: entry.body)
    }

    /// Whether an `If-None-Match` value names `etag` (weak comparison, as RFC 9110 asks; `*` matches).
    public static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        let strip = { (tag: Substring) -> Substring in
            let t = tag.drop { $0 == " " || $0 == "\t" }
            return t.hasPrefix("W/") ? t.dropFirst(2) : t
        }
        let mine = strip(Substring(etag))
        for candidate in ifNoneMatch.split(separator: ",") {
            let c = strip(candidate).reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            if String(c) == "*" || String(c) == String(mine) { return true }
        }
        return false
    }

    static func notYet(_ service: String) -> Reply {
        error(503, "service \"\(service)\" has no assignment yet")
    }

    static func error(_ status: Int, _ message: String) -> Reply {
        Reply(
            status: status, headers: [("Content-Type", "application/json")],
            body: {
                var out = JSONWriter(capacity: message.utf8.count + 16)
                out.raw("{\"error\": ")
                out.string(message)
                out.raw("}\n")
                return out.bytes
            }())
    }

    /// A document without its trailing newline, to embed it.
    static func trimmed(_ body: [UInt8]) -> [UInt8] {
        var b = body[...]
        while let last = b.last, last == 0x0A || last == 0x20 { b = b.dropLast() }
        return Array(b)
    }
}
