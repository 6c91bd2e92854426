import Foundation
import PromshardProtocol
import Testing

/// The hand-written reader and writer against Foundation, on random documents: the same value,
/// or an error where Foundation errors.
struct HotJSONDifferentialTests {
    /// Writes with the fast writer, reads with Foundation; reads both writers' bytes back the
    /// way BusCodec does (fast, else Foundation). With plain keys the fast reader itself must
    /// take both (keys with escapes are left to Foundation by design).
    func roundTrips<T: HotJSON & Equatable>(_ value: T, plainKeys: Bool) {
        let fast = value.fastEncode()
        #expect(
            foundation(T.self, fast) == value,
            "Foundation reads the fast writer's \(String(decoding: fast, as: UTF8.self))")
        let slow = foundationBytes(value)
        for bytes in [fast, slow] {
            let quick = T.fastDecode(bytes)
            #expect((quick ?? foundation(T.self, bytes)) == value)
            if let quick { #expect(quick == value) }
            if plainKeys {
                #expect(quick == value, "fast reader on \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test func randomTargetsBodiesRoundTrip() {
        var gen = HotJSONGenerator(rng: SeededRandom(seed: 1))
        for round in 0..<400 {
            gen.plainKeys = round % 2 == 0
            roundTrips(gen.targets(), plainKeys: gen.plainKeys)
        }
    }

    @Test func randomAssignmentsRoundTrip() {
        var gen = HotJSONGenerator(rng: SeededRandom(seed: 2))
        for round in 0..<300 {
            gen.plainKeys = round % 2 == 0
            roundTrips(gen.assignment(), plainKeys: gen.plainKeys)
        }
    }

    /// Damaged documents: whenever the fast reader returns a value, Foundation returns the same;
    /// and BusCodec (fast reader, then Foundation) answers exactly what Foundation answers.
    func agreesOnDamage<T: HotJSON & Equatable>(
        _ type: T.Type, seed: UInt64, make: (inout HotJSONGenerator) -> T
    ) {
        var gen = HotJSONGenerator(rng: SeededRandom(seed: seed))
        var fastAnswers = 0
        var fastGaveUp = 0
        for round in 0..<1500 {
            gen.plainKeys = round % 4 != 0
            let value = make(&gen)
            let base = round % 2 == 0 ? value.fastEncode() : foundationBytes(value)
            var doc = gen.mutate(base)
            if round % 3 == 0 { doc = gen.mutate(doc) }
            let reference = foundation(T.self, doc)
            if let fast = T.fastDecode(doc) {
                fastAnswers += 1
                #expect(reference == fast, "fast reader accepted \(String(decoding: doc, as: UTF8.self))")
            } else {
                fastGaveUp += 1
            }
            let line =
                Array("{\"v\":1,\"type\":\"targets\",\"from\":\"discovery\",\"seq\":1,\"body\":".utf8) + doc
                + [0x7D]
            let viaCodec = try? BusCodec.decode(T.self, from: line).body
            let viaFoundation = foundation(Envelope<T>.self, line)?.body
            #expect(
                viaCodec == viaFoundation,
                "codec and Foundation differ on \(String(decoding: line, as: UTF8.self))")
        }
        // Both paths were exercised.
        #expect(fastAnswers > 50 && fastGaveUp > 50, "fast \(fastAnswers), gave up \(fastGaveUp)")
    }

    @Test func damagedTargetsBodies() {
        agreesOnDamage(TargetsBody.self, seed: 3) { $0.targets() }
    }

    @Test func damagedAssignments() {
        agreesOnDamage(AssignmentBody.self, seed: 4) { $0.assignment() }
    }

    @Test func everyTruncationOfADocumentIsAnError() {
        let body = TargetsBody(
            services: ["node": [TargetGroup(targets: ["a:1", "é\"\\"], labels: ["env": "p\u{1}"])]],
            errors: [SourceError(service: "s", source: "f", message: "m")])
        let bytes = body.fastEncode()
        for n in 0..<bytes.count {
            let prefix = Array(bytes[..<n])
            #expect(TargetsBody.fastDecode(prefix) == nil)
            #expect(foundation(TargetsBody.self, prefix) == nil)
        }
    }
}

/// Hand-picked cases for each corner: escapes, UTF-8, numbers, duplicates, nesting.
struct HotJSONCornerTests {
    func group(_ json: String) -> (fast: TargetGroup?, foundation: TargetGroup?) {
        let bytes = Array(json.utf8)
        return (TargetGroup.fastDecode(bytes), foundation(TargetGroup.self, bytes))
    }

    func groupBytes(_ bytes: [UInt8]) -> (fast: TargetGroup?, foundation: TargetGroup?) {
        (TargetGroup.fastDecode(bytes), foundation(TargetGroup.self, bytes))
    }

    @Test(arguments: [
        #"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\n"#, #"\r"#, #"\t"#, #"\u0000"#, #"\u001f"#, #"\u00e9"#,
        #"\u00E9"#, #"\u20ac"#, #"\ud83d\ude00"#, #"\uD83D\uDE00"#, #"a\u0041b"#,
    ])
    func everyEscapeReadsAsFoundationReadsIt(escape: String) {
        let r = group(#"{"targets":["x\#(escape)y"],"labels":{"k\#(escape)":"\#(escape)"}}"#)
        #expect(r.foundation != nil)
        // Keys with escapes are left to Foundation; values are read by the fast path.
        let values = group(#"{"targets":["x\#(escape)y"],"labels":{"k":"\#(escape)"}}"#)
        #expect(values.fast != nil)
        #expect(values.fast == values.foundation)
    }

    @Test(arguments: [#"\ud83d"#, #"\ude00"#, #"\ud83dx"#, #"\u12"#, #"\x"#, #"\u00g0"#, "\u{1}", "\n"])
    func badEscapesAndRawControlCharactersAreNotTakenByTheFastPath(text: String) {
        let r = group(#"{"targets":["\#(text)"],"labels":{}}"#)
        #expect(r.fast == nil)
    }

    @Test(
        arguments: [
            [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80],
        ] as [[UInt8]])
    func invalidUTF8IsNeverAccepted(bad: [UInt8]) {
        let doc = Array(#"{"targets":["a"#.utf8) + bad + Array(#""],"labels":{}}"#.utf8)
        let r = groupBytes(doc)
        #expect(r.fast == nil)
        // Whatever Foundation makes of it, the codec answers the same.
        let line =
            Array(#"{"v":1,"type":"targets","from":"discovery","seq":1,"body":{"services":{"s":["#.utf8) + doc
            + Array("]},\"errors\":[]}}".utf8)
        #expect(
            (try? BusCodec.decode(TargetsBody.self, from: line).body)
                == foundation(Envelope<TargetsBody>.self, line)?.body)
    }

    @Test func validMultiByteUTF8IsRead() {
        let r = group(#"{"targets":["日本😀é"],"labels":{"k":"ß"}}"#)
        #expect(r.fast != nil)
        #expect(r.fast == r.foundation)
    }

    @Test(arguments: [
        "1.0", "1e2", "1E2", "-0", "01", "99999999999999999999", "1.5", "-1", "0", "65535", " 7 ",
    ])
    func numbersTheFastPathDoesNotTakeGoToFoundation(number: String) {
        let json = #"{"name":"c","address":"a","port":\#(number),"targetCount":0,"groups":[]}"#
        let bytes = Array(json.utf8)
        let fast = CollectorAssignment.fastDecode(bytes)
        let reference = foundation(CollectorAssignment.self, bytes)
        if let fast { #expect(fast == reference) }
        let plain = ["-1", "0", "65535", " 7 "].contains(number)
        #expect((fast != nil) == plain)
        let line =
            Array(
                #"{"v":1,"type":"assignment","from":"hashing","seq":1,"body":{"version":1,"services":[{"service":"s","collectors":["#
                    .utf8) + bytes
            + Array(#"],"targetCount":0,"replicas":1,"moved":0,"idealMoved":0,"warnings":[]}]}}"#.utf8)
        #expect(
            (try? BusCodec.decode(AssignmentBody.self, from: line).body)
                == foundation(Envelope<AssignmentBody>.self, line)?.body)
    }

    @Test func duplicateKeysAreLeftToFoundation() {
        for json in [
            #"{"targets":["a"],"labels":{"k":"1","k":"2"}}"#,
            #"{"targets":["a"],"targets":["b"],"labels":{}}"#,
            #"{"targets":["a"],"labels":{},"zz":{"q":1,"q":2}}"#,
        ] {
            let r = group(json)
            #expect(r.fast == nil, "\(json)")
        }
        let body = Array(#"{"services":{"a":[],"a":[]},"errors":[]}"#.utf8)
        #expect(TargetsBody.fastDecode(body) == nil)
    }

    @Test func deepNestingIsFollowedToALimitThenLeftToFoundation() {
        for depth in [1, 50, 127, 128, 600, 5000] {
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let json = #"{"zz":\#(deep),"targets":["a"],"labels":{}}"#
            let r = group(json)
            if depth <= JSONReader.maxDepth {
                #expect(r.fast == r.foundation && r.fast != nil, "depth \(depth)")
            } else {
                #expect(r.fast == nil, "depth \(depth)")
            }
        }
    }

    @Test func missingAndNullRequiredKeysAreErrorsAsInFoundation() {
        for json in [
            #"{"targets":["a"]}"#, #"{"labels":{}}"#, #"{"targets":null,"labels":{}}"#,
            #"{"targets":["a"],"labels":null}"#, #"{"targets":[1],"labels":{}}"#, "[]", "null", "",
        ] {
            let r = group(json)
            #expect(r.fast == nil && r.foundation == nil, "\(json)")
        }
    }

    @Test func unknownKeysAreSkippedAsFoundationDoes() {
        let r = group(#"{"x":{"a":[1,-2,true,false,null,"s"]},"targets":["a"],"labels":{"k":"v"},"y":3}"#)
        #expect(r.fast != nil)
        #expect(r.fast == r.foundation)
    }

    @Test func equalLabelSetsShareOneDictionary() {
        var groups: [TargetGroup] = []
        for i in 0..<1000 {
            groups.append(
                TargetGroup(targets: ["10.0.0.\(i % 250):\(i)"], labels: ["env": "p", "rack": "r\(i % 3)"]))
        }
        let decoded = TargetsBody.fastDecode(TargetsBody(services: ["s": groups]).fastEncode())
        #expect(decoded?.services["s"] == groups)
    }
}

/// The envelope: written header first, the header read without the body.
struct EnvelopeJSONTests {
    @Test func headerFirstLinesGiveTheSameHeaderAsFoundation() throws {
        var gen = HotJSONGenerator(rng: SeededRandom(seed: 5))
        for seq in 0..<50 as Range<UInt64> {
            let line = try BusCodec.encode(
                Envelope(type: .targets, from: .discovery, seq: seq, body: gen.targets()))
            let text = String(decoding: line, as: UTF8.self)
            #expect(
                text.hasPrefix(
                    "{\"v\":1,\"type\":\"targets\",\"from\":\"discovery\",\"seq\":\(seq),\"body\":"))
            let header = try BusCodec.header(of: Array(line.dropLast()))
            #expect(header == foundation(EnvelopeHeader.self, Array(line.dropLast())))
        }
    }

    @Test func bodyFirstLinesFromElsewhereStillRead() throws {
        let body = TargetsBody(services: ["s": [TargetGroup(targets: ["a:1"], labels: ["k": "v"])]])
        let line = foundationBytes(Envelope(type: .targets, from: .discovery, seq: 9, body: body))
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("{\"body\""))
        #expect(
            try BusCodec.header(of: line) == EnvelopeHeader(v: 1, type: "targets", from: "discovery", seq: 9))
        #expect(try BusCodec.decode(TargetsBody.self, from: line).body == body)
    }

    @Test func otherBodiesAreWrittenByFoundationInsideTheSameEnvelope() throws {
        let nodes = NodesBody(services: [
            "s": [CollectorState(name: "a:1", address: "a", port: 1, healthy: true, weight: 0.5)]
        ])
        let line = try BusCodec.encode(Envelope(type: .nodes, from: .discovery, seq: 2, body: nodes))
        #expect(foundation(Envelope<NodesBody>.self, Array(line.dropLast()))?.body == nodes)
        #expect(try BusCodec.decode(NodesBody.self, from: Array(line.dropLast())).body == nodes)
    }
}
