/// How many placements an assignment change moved, next to the least any scheme could do.
///
/// Definitions (see docs/PERFORMANCE.md), over the targets present in both assignments:
/// - `moved`: placements (target, owner) in `current` that were not in `previous`.
/// - `ideal = max(mustMove, newShare)`, 0 when the node set and the replicas did not change:
///   - `mustMove`: per target, `max(0, |owners now| − |owners before that are still nodes|)`,
///     i.e. placements whose node disappeared (plus extra replicas): every scheme moves these;
///   - `newShare`: the fair share (`placements × weight / total weight`, rounded) of the nodes
///     that are new: every scheme that stays balanced must give them this much.
///   On N → N+1 nodes this is 1/(N+1) of the placements; on N → N−1 it is what the removed
///   node held.
public struct Movement: Sendable, Equatable {
    /// Placements in `current` that did not exist in `previous`, for targets present in both.
    public var moved: Int
    /// The least movement any balanced scheme could achieve for this change (see above).
    public var ideal: Int

    /// Creates a movement record.
    public init(moved: Int, ideal: Int) {
        self.moved = moved
        self.ideal = ideal
    }

    /// `moved / ideal`, 1 when both are 0, infinity when only `ideal` is 0.
    public var ratioToIdeal: Double {
        if ideal == 0 { return moved == 0 ? 1 : .infinity }
        return Double(moved) / Double(ideal)
    }
}
