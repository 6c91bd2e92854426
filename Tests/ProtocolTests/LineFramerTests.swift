import PromshardProtocol
import Testing

struct LineFramerTests {
    func lines(_ frames: [LineFramer.Frame]) -> [String] {
        frames.compactMap { if case .line(let l) = $0 { String(decoding: l, as: UTF8.self) } else { nil } }
    }

    @Test func splitsCompleteLines() {
        var f = LineFramer()
        #expect(lines(f.feed(Array("a\nbb\nccc\n".utf8))) == ["a", "bb", "ccc"])
        #expect(f.pendingBytes == 0)
    }

    @Test func keepsPartialLinesUntilTheirNewline() {
        var f = LineFramer()
        #expect(f.feed(Array("{\"v\":".utf8)).isEmpty)
        #expect(f.pendingBytes == 5)
        #expect(lines(f.feed(Array("1}\n{\"v\"".utf8))) == ["{\"v\":1}"])
        #expect(lines(f.feed(Array(":2}\n".utf8))) == ["{\"v\":2}"])
    }

    @Test func byteByByteGivesTheSameLines() {
        var f = LineFramer()
        var out: [String] = []
        for b in Array("one\ntwo\r\nthree\n".utf8) { out += lines(f.feed([b])) }
        #expect(out == ["one", "two", "three"])
    }

    @Test func skipsEmptyLines() {
        var f = LineFramer()
        #expect(lines(f.feed(Array("\n\nx\n\n".utf8))) == ["x"])
    }

    @Test func rejectsOversizedLinesAndResynchronises() {
        var f = LineFramer(maxLineBytes: 8)
        let frames = f.feed(Array("ok\n0123456789abcdef\nfine\n".utf8))
        #expect(frames == [.line(Array("ok".utf8)), .oversized(bytes: 16), .line(Array("fine".utf8))])
    }

    @Test func oversizedAcrossFeedsIsDiscardedWithoutBuffering() {
        var f = LineFramer(maxLineBytes: 4)
        #expect(f.feed(Array("abcdef".utf8)).isEmpty)
        #expect(f.feed(Array("ghij".utf8)).isEmpty)
        #expect(f.feed(Array("k\nnext\n".utf8)) == [.oversized(bytes: 11), .line(Array("next".utf8))])
    }

    @Test func aLineOfExactlyTheLimitIsAccepted() {
        var f = LineFramer(maxLineBytes: 4)
        #expect(lines(f.feed(Array("abcd\n".utf8))) == ["abcd"])
    }
}
