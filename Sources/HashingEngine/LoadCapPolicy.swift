/// How tightly the engine bounds the load of each collector.
///
/// A node's cap is its fair share `placements × weight / totalWeight` plus a margin; `LoadCap`
/// turns the fractional cap into whole numbers. No cap is ever above `ceil(raw)`.
public enum LoadCapPolicy: Sendable, Equatable {
    /// No cap: pure weighted rendezvous, the least movement, statistical balance only.
    case unbounded
    /// `raw = factor × fair` (the issue's `max_load_factor`, factor >= 1).
    case factor(Double)
    /// `raw = fair × max(factor, 1 + z / √fair)`: at least `factor`, loosened where a cap that
    /// tight would cost more than `movementBudget` extra movement when a collector joins or leaves.
    ///
    /// A cap moves targets beyond the ideal because a full collector's random loss to a new
    /// collector (±√(fair/N)) must be compensated by pulling back or pushing out targets. Measured
    /// (docs/PERFORMANCE.md): extra movement / ideal ≈ 0.925 · e^(−2 z) · √(N / fair), where z is
    /// the cap's margin above the fair share in units of √fair (the spread of plain rendezvous)
    /// and N = totalWeight / weight. The policy solves this for z.
    case adaptive(factor: Double, movementBudget: Double)

    /// promshard's default (`maxLoadFactor: nil`): `adaptive(factor: 1.03, movementBudget: 0.045)`.
    ///
    /// 1.03 at 10 and 100 collectors with 100k targets (and whenever collectors hold more than
    /// ~1,000 targets each); looser with few targets per collector, e.g. 1.21 at 1,000 collectors
    /// × 100k targets, where a 1.03 cap would move 2.4× the ideal.
    public static let standard = LoadCapPolicy.adaptive(factor: 1.03, movementBudget: 0.045)

    /// The raw (fractional) cap of a node with fair share `fair` among `share = weight / total`;
    /// nil when unbounded. Factors below 1 (or nan) count as 1.
    func raw(fair: Double, share: Double) -> Double? {
        switch self {
        case .unbounded:
            return nil
        case .factor(let f):
            return Self.atLeastOne(f) * fair
        case .adaptive(let f, let budget):
            let collectors = 1 / share
            let allowed = budget * (fair / collectors).squareRoot()
            let z = allowed > 0 ? max(0, StableLog.ln(0.925 / allowed) / 2) : 0
            return fair * max(Self.atLeastOne(f), 1 + z / fair.squareRoot())
        }
    }

    private static func atLeastOne(_ factor: Double) -> Double {
        factor >= 1 ? factor : 1
    }
}
