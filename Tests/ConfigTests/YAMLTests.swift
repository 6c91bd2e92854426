import PromshardConfig
import PromshardProtocol
import Testing

@Suite("YAML parser")
struct YAMLTests {
    private func parse(_ text: String) throws -> YAMLNode {
        try #require(try YAML.parse(text))
    }

    @Test func nodesRecordLinesAndColumns() throws {
        let root = try parse(
            """
            a: 1
            b:
              - x
              - {k: v}
            """)
        let pairs = try #require(root.pairs)
        #expect(pairs.map(\.key.keyText) == ["a", "b"])
        #expect(pairs[0].key.line == 1 && pairs[0].key.column == 1)
        #expect(pairs[0].value.line == 1 && pairs[0].value.column == 4)
        #expect(pairs[1].key.line == 2)
        let items = try #require(pairs[1].value.items)
        #expect(items[0].line == 3 && items[0].column == 5)
        #expect(items[1].line == 4 && items[1].column == 5)
        #expect(items[1]["k"]?.scalar?.value == "v")
        #expect(items[1]["k"]?.line == 4)
    }

    @Test func quotedScalarsStayStrings() throws {
        let root = try parse(
            """
            plain: 10
            single: '10'
            double: "10"
            tagged: !!str 10
            block: |
              10
            end: x
            """)
        #expect(root["plain"]?.toJSONValue() == .number(10))
        #expect(root["single"]?.toJSONValue() == .string("10"))
        #expect(root["double"]?.toJSONValue() == .string("10"))
        #expect(root["tagged"]?.toJSONValue() == .string("10"))
        #expect(root["block"]?.toJSONValue() == .string("10\n"))
        #expect(root["single"]?.scalar?.style == .singleQuoted)
        #expect(root["double"]?.scalar?.style == .doubleQuoted)
        #expect(root["plain"]?.scalar?.style == .plain)
    }

    @Test(
        "plain scalar resolution",
        arguments: [
            ("~", JSONValue.null), ("null", .null), ("Null", .null), ("NULL", .null), ("", .null),
            ("true", .bool(true)), ("True", .bool(true)), ("FALSE", .bool(false)),
            ("0", .number(0)), ("42", .number(42)), ("-7", .number(-7)), ("+3", .number(3)),
            ("0x1F", .number(31)), ("0o17", .number(15)),
            ("1.5", .number(1.5)), ("-0.25", .number(-0.25)), (".5", .number(0.5)), ("1e3", .number(1000)),
            ("2.5E-1", .number(0.25)),
            ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")),
            ("10s", .string("10s")), ("10.0.0.1", .string("10.0.0.1")),
            ("127.0.0.1:9090", .string("127.0.0.1:9090")),
            (".inf", .string(".inf")), (".nan", .string(".nan")), ("inf", .string("inf")),
            ("nan", .string("nan")),
            ("0x", .string("0x")), ("1e", .string("1e")), ("1_000", .string("1_000")), ("-x", .string("-x")),
            ("+", .string("+")), ("hello world", .string("hello world")),
        ])
    func scalarResolution(text: String, expected: JSONValue) throws {
        let root = try #require(try YAML.parse("v: \(text)"))
        #expect(root["v"]?.toJSONValue() == expected)
    }

    @Test func toJSONValueConvertsWholeDocuments() throws {
        let root = try parse(
            """
            - targets: [10.0.0.1:9100, "10.0.0.2:9100"]
              labels:
                env: prod
                port: "9100"
                count: 3
                enabled: true
                nothing: ~
            """)
        let expected: JSONValue = .array([
            .object([
                "targets": .array([.string("10.0.0.1:9100"), .string("10.0.0.2:9100")]),
                "labels": .object([
                    "env": .string("prod"), "port": .string("9100"), "count": .number(3),
                    "enabled": .bool(true),
                    "nothing": .null,
                ]),
            ])
        ])
        #expect(root.toJSONValue() == expected)
    }

    @Test func emptyDocumentsAreNil() throws {
        #expect(try YAML.parse("") == nil)
        #expect(try YAML.parse("# only a comment\n") == nil)
        #expect(try YAML.parse("---\n") == nil)
        #expect(try YAML.parse("---\n...\n") == nil)
        #expect(try YAML.parse("''")?.toJSONValue() == .string(""))
    }

    @Test func scalarAndSequenceDocuments() throws {
        #expect(try parse("hello").toJSONValue() == .string("hello"))
        #expect(try parse("- 1\n- 2").toJSONValue() == .array([.number(1), .number(2)]))
    }

    @Test func duplicateKeysAreRejectedByDefault() throws {
        let error = try #require(throws: YAMLError.self) { try YAML.parse("a: 1\nb: 2\na: 3\n") }
        #expect(error.line == 3)
        #expect(error.column == 1)
        #expect(error.message.contains("duplicate key \"a\""))
        #expect(error.message.contains("line 1"))
    }

    @Test func duplicateKeysCanBeKept() throws {
        let root = try #require(try YAML.parse("a: 1\na: 2\n", allowDuplicateKeys: true))
        #expect(root.pairs?.count == 2)
        #expect(root.toJSONValue() == .object(["a": .number(1)]))
    }

    @Test func aliasesAreResolved() throws {
        let root = try parse(
            """
            base: &b {x: 1, y: [a, b]}
            copy: *b
            name: &n hello
            again: *n
            """)
        #expect(root["copy"]?.toJSONValue() == root["base"]?.toJSONValue())
        #expect(root["copy"]?.line == 2)
        #expect(root["again"]?.toJSONValue() == .string("hello"))
    }

    @Test func mergeKeys() throws {
        let root = try parse(
            """
            defaults: &d {timeout: 10s, concurrency: 4}
            svc:
              <<: *d
              concurrency: 8
            """)
        #expect(
            root["svc"]?.toJSONValue() == .object(["timeout": .string("10s"), "concurrency": .number(8)]))
    }

    @Test func unknownAliasIsAnError() throws {
        let error = try #require(throws: YAMLError.self) { try YAML.parse("a: *nope\n") }
        #expect(error.line == 1)
        #expect(error.message.contains("nope"))
    }

    @Test func aliasBombIsCapped() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            text += "a\(i): &a\(i) [\(refs)]\n"
        }
        let error = try #require(throws: YAMLError.self) { try YAML.parse(text) }
        #expect(error.message.contains("aliases expand"))
    }

    @Test func deepNestingIsAnError() throws {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(throws: YAMLError.self) { try YAML.parse(text) }
        #expect(error.message.contains("nesting"))
        // Aliases cannot stack depth past the limit either.
        var chained =
            "a0: &a0 " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"
        for i in 1...5 {
            chained +=
                "a\(i): &a\(i) " + String(repeating: "[", count: 100) + "*a\(i - 1)"
                + String(repeating: "]", count: 100) + "\n"
        }
        #expect(throws: YAMLError.self) { try YAML.parse(chained) }
    }

    @Test func multipleDocumentsAreAnError() throws {
        let error = try #require(throws: YAMLError.self) { try YAML.parse("a: 1\n---\nb: 2\n") }
        #expect(error.line == 2)
        #expect(error.message.contains("more than one YAML document"))
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAML.parse("a: 1\nb: [1, 2\nc: 3\n")
        }
        #expect(error.line >= 2)
        #expect(error.column >= 1)
        #expect(!error.message.isEmpty)
        #expect(error.description.hasPrefix("line \(error.line), column \(error.column): "))

        let tab = try #require(throws: YAMLError.self) { try YAML.parse("a:\n\tb: 1\n") }
        #expect(tab.line == 2)
    }

    @Test func invalidUTF8IsReportedWithPosition() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAML.parse(bytes: Array("a: 1\nb: ".utf8) + [0xFF, 0xFE, 0x41])
        }
        #expect(error.line == 2)
        #expect(error.column == 4)
    }

    @Test func nulBytesAndControlCharactersDoNotCrash() {
        #expect(throws: YAMLError.self) { try YAML.parse("a: b\u{0}c\n") }
        #expect(throws: YAMLError.self) { try YAML.parse(bytes: [0x61, 0x3A, 0x20, 0x01, 0x02]) }
    }
}
