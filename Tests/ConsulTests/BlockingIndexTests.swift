import PromshardConsul
import Testing

/// Consul's documented client rules for blocking-query indexes.
@Suite struct BlockingIndexTests {
    @Test func theFirstRequestSendsNoIndexAndTheNextOneBlocksOnTheAnswer() {
        var index = BlockingIndex()
        #expect(index.queryValue == nil)
        let fresh = index.observe(42)
        #expect(fresh)
        #expect(index.queryValue == "42")
    }

    @Test func anUnchangedIndexIsAWaitThatTimedOut() {
        var index = BlockingIndex()
        index.observe(7)
        let same = index.observe(7)
        #expect(!same)
        let moved = index.observe(8)
        #expect(moved)
        #expect(index.queryValue == "8")
    }

    @Test func anIndexGoingBackwardsResetsToZeroOnce() {
        var index = BlockingIndex()
        index.observe(100)
        let back = index.observe(3)
        #expect(back)
        #expect(index.didReset)
        #expect(index.queryValue == nil)  // the next request returns at once
        index.observe(3)
        #expect(index.queryValue == "3")
        #expect(!index.didReset)
    }

    @Test func zeroIsNeverSentTwiceInARow() {
        var index = BlockingIndex()
        #expect(index.queryValue == nil)
        index.observe(0)  // a buggy answer
        #expect(index.queryValue == "1")
        index.reset()
        #expect(index.queryValue == nil)
        index.observe(0)
        #expect(index.queryValue == "1")
    }

    @Test func backoffDoublesToItsMaximumAndResetsOnSuccess() {
        var b = Backoff(initial: .seconds(1), max: .seconds(5))
        #expect(
            [b.failed(), b.failed(), b.failed(), b.failed()] == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(5),
            ])
        b.succeeded()
        #expect(b.failed() == .seconds(1))
    }
}
