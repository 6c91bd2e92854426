extension NodeTable {
    /// The weighted rendezvous key of (target hash, node): `-ln(u) / weight`, lower is better.
    /// Same order as `CandidateSelector` (for one weight, the order of the raw score bits).
    @inline(__always)
    func key(_ target: UInt64, _ id: Int32) -> Double {
        let bits = Mixer.pairScore(target: target, node: hashes[Int(id)])
        return -StableLog.ln(Mixer.unitInterval(bits)) / weights[Int(id)]
    }
}
