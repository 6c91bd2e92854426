#if canImport(Glibc)
    import Glibc
#endif

/// Splits a byte stream into JSON lines (one UTF-8 JSON object per line).
///
/// Pure: feed it bytes as they arrive, it hands back complete lines. A line
/// longer than `maxLineBytes` is dropped whole (up to its newline) and
/// reported as ``Frame/oversized(bytes:)`` so one bad message cannot grow
/// memory without bound or desynchronise the stream.
public struct LineFramer: Sendable {
    /// One unit the framer produces.
    public enum Frame: Equatable, Sendable {
        /// A complete line without its trailing newline (and without `\r`).
        case line([UInt8])
        /// A line that exceeded the limit was discarded; `bytes` is its length.
        case oversized(bytes: Int)
    }

    /// Largest accepted line in bytes, newline excluded.
    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var discarding = false
    private var discarded = 0

    /// Default maximum line size: 256 MiB, enough for a million targets.
    public static let defaultMaxLineBytes = 256 << 20

    public init(maxLineBytes: Int = LineFramer.defaultMaxLineBytes) {
        precondition(maxLineBytes > 0)
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes buffered while waiting for the end of a line.
    public var pendingBytes: Int { discarding ? discarded : buffer.count }

    /// Feeds bytes; returns the frames they complete, in order.
    public mutating func feed<C: Collection>(_ bytes: C) -> [Frame] where C.Element == UInt8 {
        // Contiguous input (arrays, slices: what sockets deliver) goes through the byte loop
        // below without generic per-byte code; anything else is copied first.
        if let frames = bytes.withContiguousStorageIfAvailable({ feed(buffer: $0) }) { return frames }
        return Array(bytes).withUnsafeBufferPointer { feed(buffer: $0) }
    }

    /// Feeds bytes from memory.
    public mutating func feed(buffer bytes: UnsafeBufferPointer<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        var start = 0
        while start < bytes.count {
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            let found = memchr(rest.baseAddress!, 0x0A, rest.count)
            let chunkLength =
                found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - rest.baseAddress! }
                ?? rest.count
            if discarding {
                discarded += chunkLength
            } else if buffer.count + chunkLength > maxLineBytes {
                discarding = true
                discarded = buffer.count + chunkLength
                buffer.removeAll(keepingCapacity: false)
            } else {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: rest[..<chunkLength]))
            }
            guard found != nil else { break }
            if discarding {
                frames.append(.oversized(bytes: discarded))
                discarding = false
                discarded = 0
            } else {
                if buffer.last == 0x0D { buffer.removeLast() }
                if !buffer.isEmpty { frames.append(.line(buffer)) }
                // The line went out with its storage; a big one is not kept reserved.
                if buffer.count > 1 << 20 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
            }
            start += chunkLength + 1
        }
        return frames
    }
}
