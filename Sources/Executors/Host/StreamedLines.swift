/// Hands each complete stdout line to a callback as it arrives (for job
/// executors, whose per-host lines are recorded before the run ends).
/// A line is cut at 1 MiB; a final unterminated line is passed on at the end.
struct StreamedLines {
    static let maxLineBytes = 1 << 20
    let onLine: @Sendable (String) -> Void
    private var partial: [UInt8] = []

    init(onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == 0x0A {
                emit()
            } else if partial.count < Self.maxLineBytes {
                partial.append(byte)
            }
        }
    }

    mutating func finish() { if !partial.isEmpty { emit() } }

    private mutating func emit() {
        var line = String(decoding: partial, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        partial.removeAll(keepingCapacity: true)
        onLine(line)
    }
}
