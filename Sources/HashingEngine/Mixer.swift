/// The cheap 64-bit mixer that turns (target hash, node hash) into a rendezvous score.
///
/// The target is hashed once with XXH64; per collector only `fmix64(targetHash ^ nodeHash)`
/// is computed (MurmurHash3's 64-bit finalizer: a bijection with full avalanche, two
/// multiplications). This is what keeps 10^8 score computations well under a second.
public enum Mixer {
    /// MurmurHash3 `fmix64`.
    @inlinable @inline(__always)
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    /// The score bits of a (target, node) pair: uniform over `UInt64`, independent per pair.
    @inlinable @inline(__always)
    public static func pairScore(target: UInt64, node: UInt64) -> UInt64 {
        fmix64(target ^ node)
    }

    /// Maps 64 score bits to a `Double` strictly inside (0, 1), monotonically (non-decreasing):
    /// the top 52 bits plus one half, times 2^-52, which is exact.
    @inlinable @inline(__always)
    public static func unitInterval(_ bits: UInt64) -> Double {
        (Double(bits >> 12) + 0.5) * 0x1p-52
    }
}
