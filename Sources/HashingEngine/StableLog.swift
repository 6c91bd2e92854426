/// A natural logarithm written with IEEE-754 `+ - * /` only, so that it returns bit-identical
/// results on every platform and libm (weighted scores must not depend on the C library).
///
/// Accuracy is about 1e-15 relative, far more than needed to rank scores.
public enum StableLog {
    private static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    private static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    private static let sqrt2 = 1.414_213_562_373_095_048_80

    /// `ln(x)` for finite `x > 0`; returns `-infinity` for 0 and `nan` for negative or nan input.
    public static func ln(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x.isFinite else { return x }
        var m = x.significand  // [1, 2), also for subnormals
        var e = Double(x.exponent)
        if m > sqrt2 {
            m *= 0.5
            e += 1
        }
        // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = 1.0 / 23.0
        p = p * s2 + 1.0 / 21.0
        p = p * s2 + 1.0 / 19.0
        p = p * s2 + 1.0 / 17.0
        p = p * s2 + 1.0 / 15.0
        p = p * s2 + 1.0 / 13.0
        p = p * s2 + 1.0 / 11.0
        p = p * s2 + 1.0 / 9.0
        p = p * s2 + 1.0 / 7.0
        p = p * s2 + 1.0 / 5.0
        p = p * s2 + 1.0 / 3.0
        let lnM = 2 * s + 2 * s * (s2 * p)
        return e * ln2Hi + (lnM + e * ln2Lo)
    }
}
