import Foundation
import PromshardRuntime
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The writer of one child, on a real socketpair whose reader stops reading.
struct LineWriterTests {
    /// A writer (1 MiB queue) on one end of a fresh socketpair; `far` is the peer.
    func withWriter(_ body: (LineWriter, LineSocket) async throws -> Void) async throws {
        let (near, far) = try LineSocket.pair()
        let writer = LineWriter(socket: near, limitBytes: 1 << 20)
        defer {
            writer.close()
            near.close()
            far.close()
        }
        try await body(writer, far)
    }

    @Test func enqueueNeverBlocksOnAPeerThatDoesNotReadAndOverflowsInstead() async throws {
        try await withWriter { writer, _ in
            let line = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024) + [0x0A]
            // Far more than the socket buffers hold: the writer thread blocks in send,
            // enqueue keeps returning at once until the queue is full.
            // (Were enqueue to wait for the peer, this loop would never end.)
            var outcomes: [LineWriter.Outcome] = []
            for _ in 0..<200 { outcomes.append(writer.enqueue(line)) }
            #expect(outcomes.contains(.queued))
            #expect(outcomes.last == .overflow, "a peer that never reads must overflow the queue")
        }
    }

    @Test func linesArriveInOrderWhenThePeerReads() async throws {
        try await withWriter { writer, far in
            let events = far.events()
            for i in 0..<100 { #expect(writer.enqueue(Array("line \(i)\n".utf8)) == .queued) }
            var received: [String] = []
            for await event in events {
                guard case .line(let bytes) = event else { break }
                received.append(String(decoding: bytes, as: UTF8.self))
                if received.count == 100 { break }
            }
            #expect(received == (0..<100).map { "line \($0)" })
        }
    }

    @Test func aClosedPeerEndsTheWriter() async throws {
        let (near, far) = try LineSocket.pair()
        defer { near.close() }
        let writer = LineWriter(socket: near, limitBytes: 1 << 20)
        far.close()
        var outcome = LineWriter.Outcome.queued
        for _ in 0..<200 where outcome != .closed {
            outcome = writer.enqueue(Array("x\n".utf8))
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(outcome == .closed)
    }
}
