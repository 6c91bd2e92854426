import PromshardConsul
import Testing

/// Consul's answers are decoded for the fields promshard uses only: a field
/// promshard never reads cannot fail an answer.
@Suite struct AnswerDecodingTests {
    @Test func aHealthEntryWhoseChecksLackCheckIDIsStillDecoded() throws {
        let body = """
            [{"Node": {"ID": "n-1", "Node": "node1", "Address": "10.0.0.1", "Datacenter": "dc1",
                       "TaggedAddresses": {"lan": "10.0.0.1"}, "Meta": null},
              "Service": {"ID": "prom-1", "Service": "prom", "Address": "", "Port": 9090,
                          "Tags": null, "Meta": {"promshard_weight": "2"}, "Weights": {"Passing": 1},
                          "Proxy": {}, "Connect": {}},
              "Checks": [{"Status": "passing"}, {"Name": "odd", "Status": 3}, {}]}]
            """
        let entries = try ServiceEntry.decodeList(Array(body.utf8))
        #expect(entries.count == 1)
        #expect(entries[0].Service.ID == "prom-1")
        #expect(entries[0].address == "10.0.0.1")
        #expect(entries[0].Service.Meta?["promshard_weight"] == "2")
        let collectors = ServiceMapping.collectors(entries)
        #expect(collectors.map(\.name) == ["10.0.0.1:9090"])
    }

    @Test func aHealthEntryWithoutChecksIsDecoded() throws {
        let body =
            #"[{"Node": {"Node": "n", "Address": "10.0.0.2"}, "Service": {"ID": "a", "Service": "s", "Address": "10.0.0.3", "Port": 1}}]"#
        #expect(try ServiceEntry.decodeList(Array(body.utf8)).map(\.address) == ["10.0.0.3"])
    }

    @Test func aHealthEntryMissingAFieldPromshardUsesIsAnError() {
        let body =
            #"[{"Node": {"Node": "n", "Address": "10.0.0.2"}, "Service": {"ID": "a", "Service": "s", "Address": ""}}]"#
        #expect(throws: ServiceEntry.DecodingFailure.self) { try ServiceEntry.decodeList(Array(body.utf8)) }
    }

    @Test func kvEntriesDecodeTheValueOnly() throws {
        let body = #"[{"LockIndex": 0, "Key": "k", "Flags": "odd", "Value": "aGVsbG8=", "CreateIndex": "x"}]"#
        let entries = try KVEntry.decodeList(Array(body.utf8))
        #expect(entries.first?.valueBytes == Array("hello".utf8))
        #expect(try KVEntry.decodeList(Array(#"[{"Key": "k", "Value": null}]"#.utf8)).first?.valueBytes == [])
        #expect(KVEntry(Value: "not base64!").valueBytes == nil)
    }
}
