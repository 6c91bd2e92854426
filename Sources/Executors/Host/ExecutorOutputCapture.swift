/// Collects an executor's stdout as lines, keeping the newest ones within a
/// byte budget (the result line is the last one, so the oldest are dropped).
/// A line longer than the budget is cut to it.
struct ExecutorLineCollector: Sendable {
    private let maxBytes: Int
    private var lines: [String] = []
    private var lineBytes: [Int] = []
    private var keptBytes = 0
    private var firstKept = 0
    private var partial: [UInt8] = []
    private var partialOverflow = false
    /// Bytes dropped because of the budget.
    private(set) var droppedBytes = 0

    init(maxBytes: Int) {
        self.maxBytes = max(1, maxBytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            appendPartial(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            finishLine()
            start = i + 1
        }
        if start < bytes.count { appendPartial(UnsafeRawBufferPointer(rebasing: bytes[start...])) }
    }

    /// Ends the stream: an unterminated last line still counts.
    mutating func finish() {
        if !partial.isEmpty || partialOverflow { finishLine() }
    }

    /// The kept lines, oldest first.
    var keptLines: [String] { Array(lines[firstKept...]) }

    private mutating func appendPartial(_ bytes: UnsafeRawBufferPointer) {
        let room = maxBytes - partial.count
        if bytes.count <= room {
            partial.append(contentsOf: bytes)
        } else {
            partial.append(contentsOf: bytes.prefix(max(0, room)))
            droppedBytes += bytes.count - max(0, room)
            partialOverflow = true
        }
    }

    private mutating func finishLine() {
        var line = String(decoding: partial, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        lines.append(line)
        lineBytes.append(partial.count)
        keptBytes += partial.count
        partial.removeAll(keepingCapacity: true)
        partialOverflow = false
        while keptBytes > maxBytes, firstKept < lines.count - 1 {
            keptBytes -= lineBytes[firstKept]
            droppedBytes += lineBytes[firstKept]
            lines[firstKept] = ""
            firstKept += 1
        }
        // Compact now and then so dropped lines do not pile up.
        if firstKept > 1024, firstKept * 2 > lines.count {
            lines.removeFirst(firstKept)
            lineBytes.removeFirst(firstKept)
            firstKept = 0
        }
    }
}

/// Keeps the last `maxBytes` bytes of a stream (stderr).
struct ExecutorTailCollector: Sendable {
    private let maxBytes: Int
    private var buffer: [UInt8] = []
    private(set) var totalBytes = 0

    init(maxBytes: Int) {
        self.maxBytes = max(1, maxBytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalBytes += bytes.count
        if bytes.count >= maxBytes {
            buffer = Array(bytes.suffix(maxBytes))
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count > 2 * maxBytes { buffer.removeFirst(buffer.count - maxBytes) }
    }

    /// The tail as text; a multi-byte character cut at the start is dropped.
    var text: String {
        var tail = buffer.suffix(maxBytes)
        if totalBytes > tail.count {
            while let first = tail.first, first & 0xC0 == 0x80 { tail = tail.dropFirst() }
        }
        return String(decoding: tail, as: UTF8.self)
    }
}
