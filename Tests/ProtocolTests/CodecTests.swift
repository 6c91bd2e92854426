import Foundation
import PromshardProtocol
import Testing

struct CodecTests {
    @Test func envelopeRoundTripsAsOneLine() throws {
        let env = Envelope(type: .nodes, from: .discovery, seq: 7, body: NodesBody(services: ["s": []]))
        let line = try BusCodec.encode(env)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        let header = try BusCodec.header(of: Array(line.dropLast()))
        #expect(header == EnvelopeHeader(v: 1, type: "nodes", from: "discovery", seq: 7))
        let back = try BusCodec.decode(NodesBody.self, from: Array(line.dropLast()))
        #expect(back.body == env.body)
    }

    /// Header first, in the order of the design: the header is read without the body.
    @Test func theEnvelopeHasTheDesignedKeys() throws {
        let line = try BusCodec.encode(
            Envelope(type: .shutdown, from: .supervisor, seq: 1, body: ShutdownBody(reason: "x")))
        let text = String(decoding: line, as: UTF8.self)
        #expect(
            text
                == "{\"v\":1,\"type\":\"shutdown\",\"from\":\"supervisor\",\"seq\":1,\"body\":{\"reason\":\"x\"}}\n"
        )
    }

    @Test func invalidJSONIsReportedNotFatal() {
        #expect(throws: EnvelopeError.self) { try BusCodec.header(of: Array("{not json".utf8)) }
    }

    @Test func unknownTopicsAndVersionsAreRejected() {
        #expect(throws: EnvelopeError.unknownTopic("gossip")) {
            try BusCodec.header(
                of: Array(#"{"v":1,"type":"gossip","from":"hashing","seq":1,"body":{}}"#.utf8))
        }
        #expect(throws: EnvelopeError.unsupportedVersion(2)) {
            try BusCodec.header(of: Array(#"{"v":2,"type":"nodes","from":"hashing","seq":1,"body":{}}"#.utf8))
        }
    }

    @Test func aBodyOfTheWrongShapeNamesThePath() {
        do {
            _ = try BusCodec.decode(
                NodesBody.self,
                from: Array(#"{"v":1,"type":"nodes","from":"discovery","seq":1,"body":{"services":3}}"#.utf8))
            Issue.record("should have thrown")
        } catch {
            #expect("\(error)".contains("body.services"))
        }
    }

    @Test func executorRequestUsesTheProtocolKeys() throws {
        let request = ExecutorRequest(
            service: "node", collector: ExecutorCollector(name: "a:1", address: "a", port: 1),
            file: ExecutorFile(path: "/p", dest: "/d", sha256: "00"), reloadURL: "http://a:1/-/reload",
            params: ["k": .string("v")], deadlineMs: 10_000)
        let json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(json.contains("\"reload_url\""))
        #expect(json.contains("\"deadline_ms\":10000"))
        #expect(json.contains("\"protocol\":1"))
    }

    @Test func placeholdersExpand() {
        let c = ExecutorCollector(name: "h:9090", address: "h", port: 9090)
        #expect(
            expandPlaceholders("/sd/{name}-{address}-{port}.json", collector: c) == "/sd/h:9090-h-9090.json")
    }
}
