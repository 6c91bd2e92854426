#if canImport(Glibc)
    import Glibc
#endif

/// A JSON reader over bytes for the hot bus shapes (see ``HotJSON``).
///
/// It reads only the well-formed, plain subset of JSON: strict RFC 8259 syntax, UTF-8 that
/// validates, integers without fraction or exponent, objects without duplicate keys, keys
/// without escapes, nesting at most ``maxDepth``. Anything else is a ``Failure``, on which the
/// callers decode the same bytes with Foundation instead — so a value it returns is the value
/// Foundation returns, and where Foundation errors, the caller reports Foundation's error.
///
/// Works on an `UnsafeBufferPointer` (call it inside `withUnsafeBufferPointer`) and allocates
/// only the strings, arrays and dictionaries it returns.
public struct JSONReader {
    /// Why the fast path gave up (the position is for debugging; callers fall back).
    public struct Failure: Error, Sendable, Equatable {
        public var offset: Int
        public var reason: String
    }

    /// Deepest nesting `skipValue()` follows.
    public static let maxDepth = 128

    let base: UnsafeBufferPointer<UInt8>
    /// The read position.
    public internal(set) var offset: Int
    /// Label sets seen in this document, by their exact bytes (see ``labels()``).
    var interned: [ByteSpan: [String: String]] = [:]

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes
        offset = 0
    }

    @inline(__always) func fail(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

    // MARK: - Structure

    @inline(__always) mutating func skipWhitespace() {
        while offset < base.count {
            let c = base[offset]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            offset += 1
        }
    }

    /// The next non-whitespace byte, not consumed; nil at the end.
    @inline(__always) mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < base.count ? base[offset] : nil
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw fail("expected \(Character(Unicode.Scalar(byte)))") }
        offset += 1
    }

    /// Only whitespace may follow the top-level value.
    public mutating func end() throws(Failure) {
        if peek() != nil { throw fail("trailing bytes") }
    }

    /// Consumes `{`.
    public mutating func beginObject() throws(Failure) { try expect(0x7B) }

    /// The next key of the object being read (its `:` consumed), or nil at its `}`. `first`
    /// starts true for each object.
    public mutating func nextKey(_ first: inout Bool) throws(Failure) -> ByteSpan? {
        let c = peek()
        if c == 0x7D {
            offset += 1
            return nil
        }
        if first {
            first = false
        } else {
            guard c == 0x2C else { throw fail("expected , or }") }
            offset += 1
            skipWhitespace()
        }
        guard offset < base.count, base[offset] == 0x22 else { throw fail("expected a key") }
        offset += 1
        let start = offset
        var ascii = true
        while offset < base.count {
            let b = base[offset]
            if b == 0x22 { break }
            if b == 0x5C || b < 0x20 { throw fail("key with escapes") }
            if b >= 0x80 { ascii = false }
            offset += 1
        }
        guard offset < base.count else { throw fail("truncated key") }
        let key = ByteSpan(UnsafeBufferPointer(rebasing: base[start..<offset]))
        if !ascii && key.string() == nil { throw fail("invalid UTF-8 in a key") }
        offset += 1
        try expect(0x3A)
        return key
    }

    /// Consumes `[`.
    public mutating func beginArray() throws(Failure) { try expect(0x5B) }

    /// Whether another element follows in the array being read (its `,` consumed); false at
    /// its `]`. `first` starts true for each array.
    public mutating func nextElement(_ first: inout Bool) throws(Failure) -> Bool {
        let c = peek()
        if c == 0x5D {
            offset += 1
            return false
        }
        if first {
            first = false
            return true
        }
        guard c == 0x2C else { throw fail("expected , or ]") }
        offset += 1
        if peek() == 0x5D { throw fail("trailing comma") }
        return true
    }

    /// Consumes `null` if it comes next.
    public mutating func null() -> Bool {
        guard peek() == 0x6E, literal("null") else { return false }
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard offset + n <= base.count else { return false }
        for k in 0..<n where base[offset + k] != word.utf8Start[k] { return false }
        offset += n
        return true
    }

    // MARK: - Scalars

    /// A string value.
    public mutating func string() throws(Failure) -> String {
        guard peek() == 0x22 else { throw fail("expected a string") }
        offset += 1
        let start = offset
        var ascii = true
        while offset < base.count {
            let b = base[offset]
            if b == 0x22 {
                let span = UnsafeBufferPointer(rebasing: base[start..<offset])
                offset += 1
                if ascii { return String(decoding: span, as: UTF8.self) }
                guard let s = String(validating: span, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return s
            }
            if b == 0x5C { return try escapedString(from: start) }
            if b < 0x20 { throw fail("control character in a string") }
            if b >= 0x80 { ascii = false }
            offset += 1
        }
        throw fail("truncated string")
    }

    /// The slow path of ``string()``: the string has escapes.
    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        var bytes = Array(base[start..<offset])
        while offset < base.count {
            let b = base[offset]
            offset += 1
            switch b {
            case 0x22:
                guard let s = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return s
            case 0x5C:
                guard offset < base.count else { throw fail("truncated escape") }
                let e = base[offset]
                offset += 1
                switch e {
                case 0x22, 0x5C, 0x2F: bytes.append(e)
                case 0x62: bytes.append(0x08)
                case 0x66: bytes.append(0x0C)
                case 0x6E: bytes.append(0x0A)
                case 0x72: bytes.append(0x0D)
                case 0x74: bytes.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        guard literal("\\u") else { throw fail("lone surrogate") }
                        let low = try hex4()
                        guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        throw fail("lone surrogate")
                    }
                    bytes.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                default: throw fail("bad escape")
                }
            default:
                if b < 0x20 { throw fail("control character in a string") }
                bytes.append(b)
            }
        }
        throw fail("truncated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= base.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[offset]
            offset += 1
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// A plain integer (`-?(0|[1-9][0-9]*)`, at most 18 digits, not `-0`); anything else
    /// (fractions, exponents, big numbers) is left to Foundation.
    public mutating func int() throws(Failure) -> Int {
        skipWhitespace()
        var negative = false
        if offset < base.count && base[offset] == 0x2D {
            negative = true
            offset += 1
        }
        let magnitude = try digits(max: 18)
        if negative && magnitude == 0 { throw fail("-0") }
        return negative ? -Int(magnitude) : Int(magnitude)
    }

    /// A plain non-negative integer of at most 19 digits.
    public mutating func uint64() throws(Failure) -> UInt64 {
        skipWhitespace()
        return try digits(max: 19)
    }

    private mutating func digits(max: Int) throws(Failure) -> UInt64 {
        let start = offset
        var v: UInt64 = 0
        while offset < base.count, base[offset] >= 0x30, base[offset] <= 0x39 {
            v = v &* 10 &+ UInt64(base[offset] - 0x30)
            offset += 1
        }
        let n = offset - start
        guard n > 0, n <= max, !(n > 1 && base[start] == 0x30) else { throw fail("not a plain integer") }
        if offset < base.count {
            let c = base[offset]
            if c == 0x2E || c == 0x65 || c == 0x45 { throw fail("not a plain integer") }
        }
        return v
    }

    // MARK: - Values nobody reads

    /// Skips one value, validating it (an unknown key's value still has to be JSON).
    public mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < Self.maxDepth else { throw fail("too deep") }
        switch peek() {
        case 0x22: _ = try string()
        case 0x7B:
            offset += 1
            var first = true
            var keys: Set<ByteSpan> = []
            while let key = try nextKey(&first) {
                guard keys.insert(key).inserted else { throw fail("duplicate key") }
                try skipValue(depth: depth + 1)
            }
        case 0x5B:
            offset += 1
            var first = true
            while try nextElement(&first) { try skipValue(depth: depth + 1) }
        case 0x74: guard literal("true") else { throw fail("bad literal") }
        case 0x66: guard literal("false") else { throw fail("bad literal") }
        case 0x6E: guard literal("null") else { throw fail("bad literal") }
        case .some(0x2D), .some(0x30...0x39): _ = try int()
        default: throw fail("expected a value")
        }
    }
}

/// Bytes of the document being read (a key, a label set), compared by content.
public struct ByteSpan: Hashable, @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    public static func == (a: ByteSpan, b: ByteSpan) -> Bool {
        a.bytes.count == b.bytes.count
            && (a.bytes.count == 0 || memcmp(a.bytes.baseAddress!, b.bytes.baseAddress!, a.bytes.count) == 0)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
    }

    /// Whether the span holds exactly `word`.
    @inline(__always) public func equals(_ word: StaticString) -> Bool {
        bytes.count == word.utf8CodeUnitCount && memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0
    }

    /// The span as a string (keys have no escapes; their UTF-8 is validated).
    func string() -> String? { String(validating: bytes, as: UTF8.self) }
}
