/// The number of owners per target the engines actually use.
enum ReplicaCount {
    /// `min(max(requested, 1), usable)`, with a warning for each correction.
    static func effective(_ requested: Int, usable: Int, warnings: inout [String]) -> Int {
        var wanted = requested
        if wanted < 1 {
            warnings.append("replicas \(requested) < 1: using 1")
            wanted = 1
        }
        let effective = min(wanted, usable)
        if wanted > usable {
            let noun = usable == 1 ? "collector" : "collectors"
            warnings.append("replicas \(wanted) > \(usable) \(noun): each target on \(effective)")
        }
        return effective
    }
}
