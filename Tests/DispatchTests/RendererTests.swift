import Foundation
import PromshardDispatch
import PromshardProtocol
import Testing

struct RendererTests {
    let groups = [
        TargetGroup(targets: ["b:1", "a:1"], labels: ["env": "prod", "dc": "x"]),
        TargetGroup(targets: ["c:1"], labels: [:]),
        TargetGroup(targets: ["d:1", "a:1"], labels: ["dc": "x", "env": "prod"]),
    ]

    @Test func equalInputInAnyOrderRendersByteIdentically() {
        let a = Renderer.render(groups)
        let b = Renderer.render(
            groups.reversed().map { TargetGroup(targets: $0.targets.reversed(), labels: $0.labels) })
        #expect(a == b)
    }

    @Test func mergesGroupsWithTheSameLabelsAndSortsTargets() throws {
        let text = String(decoding: Renderer.render(groups), as: UTF8.self)
        #expect(
            text == """
                [
                  {
                    "labels": {},
                    "targets": [
                      "c:1"
                    ]
                  },
                  {
                    "labels": {
                      "dc": "x",
                      "env": "prod"
                    },
                    "targets": [
                      "a:1",
                      "b:1",
                      "d:1"
                    ]
                  }
                ]

                """)
    }

    @Test func anEmptyShareIsAnEmptyList() {
        #expect(Renderer.render([]) == Array("[]\n".utf8))
        #expect(Renderer.render([TargetGroup(targets: [], labels: ["a": "b"])]) == Array("[]\n".utf8))
    }

    @Test func outputIsValidJSONWithEscapes() throws {
        let tricky = [TargetGroup(targets: ["x\"y:1"], labels: ["note": "line\nbreak \\ \u{01}"])]
        let data = Renderer.render(tricky)
        let decoded = try JSONDecoder().decode([TargetGroup].self, from: Data(data))
        #expect(decoded == tricky)
    }
}

struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA256.hex(Array(input.utf8)) == expected)
    }

    @Test func aMillionAs() {
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
