/// A bus body with a hand-written JSON reader and writer (see docs/PERFORMANCE.md for why and
/// how much faster than Foundation). ``BusCodec`` uses them for these types; the JSON is the
/// same JSON (same keys, same values) that the `Codable` conformance reads and writes.
public protocol HotJSON: Codable, Sendable {
    /// Reads one value at the reader's position; a ``JSONReader/Failure`` means "ask Foundation".
    static func read(_ r: inout JSONReader) throws(JSONReader.Failure) -> Self
    /// Appends the value.
    func write(_ w: inout JSONWriter)
}

extension HotJSON {
    /// Decodes a whole document with the fast reader only (nil where it gives up).
    public static func fastDecode(_ bytes: [UInt8]) -> Self? {
        bytes.withUnsafeBufferPointer { buffer -> Self? in
            var r = JSONReader(buffer)
            guard let value = try? read(&r), (try? r.end()) != nil else { return nil }
            return value
        }
    }

    /// Encodes the value alone.
    public func fastEncode() -> [UInt8] {
        var w = JSONWriter()
        write(&w)
        return w.bytes
    }
}

extension JSONReader {
    /// An array of strings.
    public mutating func strings() throws(Failure) -> [String] {
        try beginArray()
        var out: [String] = []
        var first = true
        while try nextElement(&first) { out.append(try string()) }
        return out
    }

    /// A string that may be `null` (Foundation's `decodeIfPresent`).
    public mutating func optionalString() throws(Failure) -> String? {
        null() ? nil : try string()
    }

    /// A label set `{"name":"value",...}`. Label sets with the same bytes in one document share
    /// one dictionary (interned), so a million groups with a few label sets hold a few.
    public mutating func labels() throws(Failure) -> [String: String] {
        guard peek() == 0x7B else { throw fail("expected an object") }
        let start = offset
        guard let end = flatObjectEnd() else { return try labelObject() }
        let span = ByteSpan(UnsafeBufferPointer(rebasing: base[start..<end]))
        if let known = interned[span] {
            offset = end
            return known
        }
        let value = try labelObject()
        guard offset == end else { throw fail("label set ended early") }
        if interned.count < 65536 { interned[span] = value }
        return value
    }

    private mutating func labelObject() throws(Failure) -> [String: String] {
        try beginObject()
        var out: [String: String] = [:]
        var first = true
        while let key = try nextKey(&first) {
            guard let name = key.string() else { throw fail("invalid UTF-8 in a key") }
            guard out.updateValue(try string(), forKey: name) == nil else { throw fail("duplicate key") }
        }
        return out
    }

    /// Where the flat object (no nested `{` or `[`) starting here ends, nil if it is not flat.
    private func flatObjectEnd() -> Int? {
        var i = offset + 1
        while i < base.count {
            switch base[i] {
            case 0x22:
                i += 1
                while i < base.count && base[i] != 0x22 {
                    if base[i] == 0x5C { i += 1 }
                    i += 1
                }
            case 0x7D: return i + 1
            case 0x7B, 0x5B: return nil
            default: break
            }
            i += 1
        }
        return nil
    }

    /// A key's name as a string (dictionary keys such as service names).
    func name(_ key: ByteSpan) throws(Failure) -> String {
        guard let s = key.string() else { throw fail("invalid UTF-8 in a key") }
        return s
    }
}

/// Tracks which required keys an object had, and rejects duplicates.
struct SeenKeys {
    private var bits: UInt32 = 0

    /// Marks key number `k`; a second time is a duplicate (left to Foundation).
    @inline(__always) mutating func mark(_ k: UInt32, _ r: borrowing JSONReader) throws(JSONReader.Failure) {
        guard bits & (1 << k) == 0 else { throw r.fail("duplicate key") }
        bits |= 1 << k
    }

    /// Whether every key in `0..<count` was seen.
    @inline(__always) func all(_ count: UInt32) -> Bool { bits == (1 << count) - 1 }
}

extension JSONWriter {
    /// A label set, names sorted (so equal sets have equal bytes and intern on the reading side).
    public mutating func labels(_ labels: [String: String]) {
        byte(0x7B)
        if labels.count == 1, let (k, v) = labels.first {
            string(k)
            byte(0x3A)
            string(v)
        } else {
            for (i, k) in labels.keys.sorted().enumerated() {
                if i > 0 { byte(0x2C) }
                string(k)
                byte(0x3A)
                string(labels[k]!)
            }
        }
        byte(0x7D)
    }
}
