import PromshardRuntime
import Testing

struct OutboundQueueTests {
    /// `push` and `takeAll` are mutating: called outside the `#expect` macro.
    func push(_ q: inout OutboundQueue, _ text: String) -> Bool { q.push(Array(text.utf8)) }
    func takeAll(_ q: inout OutboundQueue) -> [[UInt8]] { q.takeAll() }

    @Test func refusesALineThatDoesNotFitAndKeepsWhatItHas() {
        var q = OutboundQueue(limitBytes: 10)
        #expect(push(&q, "abcd\n"))
        #expect(push(&q, "efgh\n"))
        #expect(q.bytes == 10)
        #expect(!push(&q, "x"))
        #expect(q.count == 2)
        #expect(takeAll(&q) == [Array("abcd\n".utf8), Array("efgh\n".utf8)])
        #expect(q.isEmpty && q.bytes == 0)
        #expect(push(&q, "x"))
    }

    @Test func aLineLargerThanTheLimitIsRefusedEvenWhenEmpty() {
        var q = OutboundQueue(limitBytes: 4)
        #expect(!push(&q, "hello"))
        #expect(q.isEmpty)
    }
}
