/// Appends JSON to a byte buffer: the writing half of ``HotJSON``.
///
/// Strings are written as UTF-8 with `"`, `\` and control characters escaped (nothing else,
/// `/` included, is escaped), integers in decimal. The caller writes the structure.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends bytes verbatim (punctuation, keys known to need no escaping).
    @inline(__always) public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always) public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends already encoded JSON.
    public mutating func json(_ encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// A string literal.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            bytes.append(0x22)
            var runStart = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b == 0x22 || b == 0x5C || b < 0x20 else { continue }
                if runStart < i {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                }
                runStart = i + 1
                bytes.append(0x5C)
                switch b {
                case 0x22, 0x5C: bytes.append(b)
                case 0x0A: bytes.append(0x6E)
                case 0x0D: bytes.append(0x72)
                case 0x09: bytes.append(0x74)
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
            bytes.append(0x22)
        }
    }

    /// A key and its colon.
    @inline(__always) public mutating func key(_ name: StaticString) {
        byte(0x22)
        raw(name)
        raw("\":")
    }

    public mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            uint64(value.magnitude.toUInt64)
        } else {
            uint64(UInt64(value))
        }
    }

    public mutating func uint64(_ value: UInt64) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            )
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(n % 10) + 0x30
                n /= 10
                count += 1
            } while n > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
    }

    /// `[a,b,...]` of strings.
    public mutating func strings(_ values: [String]) {
        byte(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { byte(0x2C) }
            string(v)
        }
        byte(0x5D)
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
