/// xxHash64 (XXH64), the stable, well-known 64-bit non-cryptographic hash by Yann Collet.
///
/// The output is identical on every platform and in every process (unlike Swift's seeded
/// `Hasher`), which is what makes assignments reproducible across machines.
public enum XXH64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// XXH64 of the UTF-8 bytes of `string`.
    @inlinable
    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        if let value = string.utf8.withContiguousStorageIfAvailable({
            hash(UnsafeRawBufferPointer($0), seed: seed)
        }) {
            return value
        }
        return hash(Array(string.utf8), seed: seed)
    }

    /// XXH64 of a byte array.
    @inlinable
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// XXH64 of raw bytes.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var offset = 0
        var acc: UInt64
        if count >= 32, let base = bytes.baseAddress {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            let limit = count - 32
            while offset <= limit {
                v1 = round(v1, load(base, offset))
                v2 = round(v2, load(base, offset + 8))
                v3 = round(v3, load(base, offset + 16))
                v4 = round(v4, load(base, offset + 24))
                offset += 32
            }
            acc = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            acc = merge(acc, v1)
            acc = merge(acc, v2)
            acc = merge(acc, v3)
            acc = merge(acc, v4)
        } else {
            acc = seed &+ prime5
        }
        acc = acc &+ UInt64(count)
        if let base = bytes.baseAddress {
            while offset + 8 <= count {
                acc ^= round(0, load(base, offset))
                acc = rotl(acc, 27) &* prime1 &+ prime4
                offset += 8
            }
            if offset + 4 <= count {
                let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                acc ^= UInt64(word) &* prime1
                acc = rotl(acc, 23) &* prime2 &+ prime3
                offset += 4
            }
            while offset < count {
                acc ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
                acc = rotl(acc, 11) &* prime1
                offset += 1
            }
        }
        acc ^= acc >> 33
        acc = acc &* prime2
        acc ^= acc >> 29
        acc = acc &* prime3
        acc ^= acc >> 32
        return acc
    }

    @inline(__always)
    private static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 {
        (x << r) | (x >> (64 - r))
    }

    @inline(__always)
    private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* prime1 &+ prime4
    }
}
