import Testing

@testable import PromshardExecutorHost

/// The stdout line collector and stderr tail used by ExecutorRunner.
struct ExecutorOutputCaptureTests {
    private func feed(_ collector: inout ExecutorLineCollector, _ chunks: [String]) {
        for chunk in chunks { Array(chunk.utf8).withUnsafeBytes { collector.append($0) } }
        collector.finish()
    }

    @Test func splitsLinesAcrossChunksAndKeepsAnUnterminatedLastLine() {
        var lines = ExecutorLineCollector(maxBytes: 1024)
        feed(&lines, ["a", "b\nc\r\n", "", "\nd"])
        #expect(lines.keptLines == ["ab", "c", "", "d"])
    }

    @Test func dropsTheOldestLinesBeyondTheBudget() {
        var lines = ExecutorLineCollector(maxBytes: 10)
        feed(&lines, ["1111\n2222\n3333\n4444\n"])
        #expect(lines.keptLines == ["3333", "4444"])
        #expect(lines.droppedBytes == 8)
    }

    @Test func cutsAnOverlongLineAndStillSeesTheNextOne() {
        var lines = ExecutorLineCollector(maxBytes: 8)
        feed(&lines, [String(repeating: "x", count: 20), "\n", "ok\n"])
        #expect(lines.keptLines == ["ok"])
        var single = ExecutorLineCollector(maxBytes: 8)
        feed(&single, [String(repeating: "y", count: 20)])
        #expect(single.keptLines == ["yyyyyyyy"])
    }

    @Test func manyLinesStayBounded() {
        var lines = ExecutorLineCollector(maxBytes: 100)
        feed(&lines, (0..<10_000).map { "line \($0)\n" })
        #expect(lines.keptLines.last == "line 9999")
        #expect(lines.keptLines.reduce(0) { $0 + $1.utf8.count } <= 100)
    }

    @Test func stderrTailKeepsTheEndWithoutABrokenCharacter() {
        var tail = ExecutorTailCollector(maxBytes: 5)
        Array("abcdé".utf8).withUnsafeBytes { tail.append($0) }  // 6 bytes → the last 5
        #expect(tail.text == "bcdé")
        var cut = ExecutorTailCollector(maxBytes: 3)
        Array("a".utf8).withUnsafeBytes { cut.append($0) }
        Array("éé".utf8).withUnsafeBytes { cut.append($0) }  // a C3 A9 C3 A9 → keep A9 C3 A9 → drop A9
        #expect(cut.text == "é")
    }
}
