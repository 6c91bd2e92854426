import PromshardDispatch
import PromshardProtocol
import Testing

/// The byte-writing renderer against the string-building one it replaced: the same bytes for
/// random shares (merged label sets, duplicates, escapes, non-ASCII).
///
/// Decomposed accents ("e\u{301}") are left out of the random pieces: `String` ordering between
/// such strings and their precomposed twins is not consistent, so the old renderer's own output
/// depended on a set's iteration order there (the new one sorts from the input order).
struct RendererDifferentialTests {
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let pieces = [
        "10.0.0.1:9100", "10.0.0.2:9100", "a", "B", "\"", "\\", "\n", "\t", "\u{1}", "\u{7F}", "é", "😀",
        "/", " ", "",
    ]

    @Test func randomSharesRenderToTheSameBytes() {
        var rng = Random(state: 42)
        for _ in 0..<2000 {
            var groups: [TargetGroup] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let targets = (0..<Int.random(in: 0...5, using: &rng)).map { _ in
                    (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                        Self.pieces.randomElement(using: &rng)!
                    }.joined()
                }
                var labels: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    labels[["env", "rack", "é", "a\"b"].randomElement(using: &rng)!] = Self.pieces
                        .randomElement(using: &rng)!
                }
                groups.append(TargetGroup(targets: targets, labels: labels))
            }
            let mine = Renderer.render(groups)
            let reference = ReferenceRenderer.render(groups)
            #expect(
                mine == reference,
                "\(groups)\nnew:\n\(String(decoding: mine, as: UTF8.self))\nreference:\n\(String(decoding: reference, as: UTF8.self))"
            )
        }
    }

    @Test func aLargeShareRendersToTheSameBytes() {
        let groups = (0..<20000).map { i in
            TargetGroup(
                targets: ["10.\(i % 7).\(i % 250).\(i % 13):9100"],
                labels: ["env": "p", "rack": "r\(i % 17)"])
        }
        #expect(Renderer.render(groups) == ReferenceRenderer.render(groups))
    }
}
