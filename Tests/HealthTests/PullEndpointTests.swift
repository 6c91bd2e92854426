import PromshardHealth
import PromshardProtocol
import Testing

/// The pure parts of pull mode on the HTTP edge: routes, the body cache, ETags.
struct PullEndpointTests {
    static let body = Array(
        "[\n  {\n    \"labels\": {},\n    \"targets\": [\n      \"t:1\"\n    ]\n  }\n]\n".utf8)

    func cache(_ bodies: [String: [UInt8]] = ["a:1": body, "b:2": Array("[]\n".utf8)]) -> SDCache {
        var c = SDCache()
        let files = bodies.keys.sorted().map {
            SDFile(collector: $0, sha256: SHA256.hex(bodies[$0]!), path: "/sd/\($0)", targets: 1)
        }
        c.take(
            SDRenderedBody(services: ["node": files], version: 1),
            loaded: Dictionary(uniqueKeysWithValues: bodies.map { ("/sd/\($0.key)", $0.value) }))
        return c
    }

    func reply(_ path: String, _ query: String? = nil, ifNoneMatch: String? = nil, cache: SDCache? = nil)
        -> SDResponder.Reply
    {
        let route = SDRoute.parse(path: path, query: query)!
        return SDResponder.reply(
            route, ifNoneMatch: ifNoneMatch, cache: cache ?? self.cache(), services: ["node", "later"])
    }

    @Test func routesArePercentDecoded() {
        #expect(
            SDRoute.parse(path: "/api/v1/sd/node/a:1", query: nil) == .sd(service: "node", collector: "a:1"))
        #expect(
            SDRoute.parse(path: "/api/v1/sd/my%20svc/a%2Fb", query: nil)
                == .sd(service: "my svc", collector: "a/b"))
        #expect(SDRoute.parse(path: "/jobs", query: nil) == .jobs)
        #expect(SDRoute.parse(path: "/jobs/", query: nil) == .jobs)
        #expect(
            SDRoute.parse(path: "/jobs/node/targets", query: "x=1&collector_id=a%3A1")
                == .jobTargets(service: "node", collector: "a:1"))
        #expect(
            SDRoute.parse(path: "/jobs/node/targets", query: nil)
                == .jobTargets(service: "node", collector: nil))
        #expect(SDRoute.parse(path: "/api/v1/sd/node", query: nil) == nil)
        #expect(SDRoute.parse(path: "/api/v1/sd/node/a/extra", query: nil) == nil)
        #expect(SDRoute.parse(path: "/api/v1/sd/node/%zz", query: nil) == nil)
        #expect(SDRoute.encode("a/b c:1") == "a%2Fb%20c:1")
    }

    @Test func aCollectorGetsItsCachedBodyWithAnETag() {
        let r = reply("/api/v1/sd/node/a:1")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.body == Self.body)
        #expect(r.header("ETag") == "\"\(SHA256.hex(Self.body))\"")
        // An empty share is `[]`, not an error.
        #expect(reply("/api/v1/sd/node/b:2").body == Array("[]\n".utf8))
        // The Target Allocator's form answers the same bytes.
        #expect(reply("/jobs/node/targets", "collector_id=a:1") == r)
    }

    @Test func ifNoneMatchGets304() {
        let etag = "\"\(SHA256.hex(Self.body))\""
        let r = reply("/api/v1/sd/node/a:1", ifNoneMatch: etag)
        #expect(r.status == 304)
        #expect(r.body.isEmpty)
        #expect(r.header("ETag") == etag)
        #expect(reply("/api/v1/sd/node/a:1", ifNoneMatch: "\"other\", W/\(etag)").status == 304)
        #expect(reply("/api/v1/sd/node/a:1", ifNoneMatch: "*").status == 304)
        #expect(reply("/api/v1/sd/node/a:1", ifNoneMatch: "\"other\"").status == 200)
    }

    @Test func unknownServiceOrCollectorIs404AndAServiceWithoutDocumentsIs503() {
        #expect(reply("/api/v1/sd/nope/a:1").status == 404)
        #expect(reply("/api/v1/sd/node/nope:1").status == 404)
        #expect(reply("/jobs/nope/targets", "collector_id=a:1").status == 404)
        // Configured, nothing computed yet: an error keeps Prometheus's targets, `[]` would drop them.
        #expect(reply("/api/v1/sd/later/a:1").status == 503)
        #expect(reply("/jobs/later/targets").status == 503)
    }

    @Test func jobsListEveryServiceWithItsLink() throws {
        let r = reply("/jobs")
        #expect(r.status == 200)
        #expect(
            String(decoding: r.body, as: UTF8.self)
                == "{\n  \"node\": {\"_link\": \"/jobs/node/targets\"},\n  \"later\": {\"_link\": \"/jobs/later/targets\"}\n}\n"
        )
        let all = String(decoding: reply("/jobs/node/targets").body, as: UTF8.self)
        #expect(all.contains("\"a:1\": {\"_link\": \"/jobs/node/targets?collector_id=a:1\", \"targets\": ["))
        #expect(
            all.contains("\"b:2\": {\"_link\": \"/jobs/node/targets?collector_id=b:2\", \"targets\": []}"))
    }

    @Test func theCacheLoadsOnlyChangedFilesAndKeepsABodyThatDoesNotMatchItsDigest() {
        var c = cache()
        let newBody = Array("[]\n".utf8)
        let index = SDRenderedBody(
            services: [
                "node": [
                    SDFile(collector: "a:1", sha256: SHA256.hex(newBody), path: "/sd/a:1", targets: 0),
                    SDFile(
                        collector: "b:2", sha256: SHA256.hex(Array("[]\n".utf8)), path: "/sd/b:2", targets: 0),
                ]
            ], version: 2)
        // b is unchanged: only a is read.
        #expect(c.needed(index).map(\.collector) == ["a:1"])
        // The file already holds newer bytes than its index says: the old body stays.
        let missed = c.take(index, loaded: ["/sd/a:1": Array("[\"newer\"]".utf8)])
        #expect(missed.map(\.collector) == ["a:1"])
        #expect(c.services["node"]?["a:1"]?.body == Self.body)
        c.take(index, loaded: ["/sd/a:1": newBody])
        #expect(c.services["node"]?["a:1"]?.body == newBody)
        #expect(c.version == 2)
        // A collector that left the index is gone (404).
        c.take(SDRenderedBody(services: ["node": []], version: 3), loaded: [:])
        #expect(c.services["node"]?.isEmpty == true)
    }
}
