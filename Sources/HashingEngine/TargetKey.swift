/// A target's identity for hashing: the service name and the target id (its address).
///
/// `hash = XXH64(utf8(targetID), seed: XXH64(utf8(service), seed: 0))`. Labels never enter the
/// hash, so relabelling a target never moves it; the same address in two services is placed
/// independently.
public enum TargetKey {
    /// The seed that scopes target hashes to one service.
    public static func serviceSeed(_ service: String) -> UInt64 {
        XXH64.hash(service, seed: 0)
    }

    /// The 64-bit hash of one target of `service`.
    public static func hash(service: String, targetID: String) -> UInt64 {
        XXH64.hash(targetID, seed: serviceSeed(service))
    }

    /// Hashes of all `targetIDs` of one service, same order.
    static func hashes(service: String, targetIDs: [String]) -> [UInt64] {
        let seed = serviceSeed(service)
        return targetIDs.map { XXH64.hash($0, seed: seed) }
    }
}
