import Foundation
import PromshardHashingEngine
import Testing

/// Reference values from the xxHash and MD5 reference implementations (python-xxhash, hashlib).
@Suite struct HashVectorTests {
    @Test(arguments: [
        ("", UInt64(0), UInt64(0xEF46_DB37_51D8_E999)),
        ("a", 0, 0xD24E_C4F1_A98C_6E5B),
        ("abc", 0, 0x44BC_2CF5_AD77_0999),
        ("Nobody inspects the spammish repetition", 0, 0xFBCE_A83C_8A37_8BF1),
        ("", 1, 0xD5AF_BA13_36A3_BE4B),
        ("abc", 0x9E37_79B9_7F4A_7C15, 0x2ED0_F59D_6B43_AC8B),
        ("node\u{0}10.0.0.1:9100", 0, 0x8D5C_69E8_16E0_8E62),
        ("0123456789abcdef0123456789abcdef", 0, 0x642A_9495_8E71_E6C5),
        ("0123456789abcdef0123456789abcdef0", 12345, 0x29EE_AEEC_2D16_19D4),
    ])
    func xxh64(input: String, seed: UInt64, expected: UInt64) {
        #expect(XXH64.hash(input, seed: seed) == expected)
        #expect(XXH64.hash(Array(input.utf8), seed: seed) == expected)
    }

    @Test func xxh64LongInput() {
        let bytes = (0..<256).map { UInt8($0) }
        #expect(XXH64.hash(bytes) == 0x1FAC_BE84_06CD_904B)
    }

    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
        ("10.0.0.1:9100", "1eac7f871dc4b32a4cfeac4083628b3d"),
    ])
    func md5(input: String, expected: String) {
        let hex = MD5.digest(input).map { String(format: "%02x", $0) }.joined()
        #expect(hex == expected)
    }

    @Test func md5PaddingBoundaries() {
        // 55, 56, 63, 64 and 119 bytes straddle the one- and two-block padding cases.
        let expected: [Int: String] = [
            55: "ef1772b6dff9a122358552954ad0df65", 56: "3b0c8ac703f828b04c6c197006d17218",
            63: "b06521f39153d618550606be297466d5", 64: "014842d480b571495a4a0363793f7367",
            119: "8a7bd0732ed6a28ce75f6dabc90e1613",
        ]
        for (length, digest) in expected {
            let hex = MD5.digest(String(repeating: "a", count: length)).map { String(format: "%02x", $0) }
                .joined()
            #expect(hex == digest, "md5 of \(length) × a")
        }
    }

    @Test func stableLogMatchesLibm() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            let u = Mixer.unitInterval(rng.next())
            let ours = StableLog.ln(u)
            #expect(abs(ours - Foundation.log(u)) <= 1e-15 * abs(Foundation.log(u)))
        }
        for x in [1.0, 2.0, 0.5, 1e-300, 5e-324, 1e300, Double.leastNormalMagnitude, 0.999_999_999_999] {
            #expect(abs(StableLog.ln(x) - Foundation.log(x)) <= 1e-15 * max(1, abs(Foundation.log(x))))
        }
        #expect(StableLog.ln(0) == -.infinity)
        #expect(StableLog.ln(-1).isNaN)
    }

    @Test func unitIntervalIsOpen() {
        #expect(Mixer.unitInterval(0) > 0)
        #expect(Mixer.unitInterval(.max) < 1)
    }
}
