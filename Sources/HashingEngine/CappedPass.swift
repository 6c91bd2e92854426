/// Bounded-load rendezvous: enforces `LoadCap` on the result of `UnconstrainedPass`.
///
/// If no node's unconstrained demand exceeds its cap, the unconstrained result is already the
/// answer (nothing else runs). Otherwise replicas are placed round by round (first owners of all
/// targets, then second owners, ...) against cumulative caps (round k may fill a node up to its
/// cap for k × targets placements). In each round targets are replayed in `HashOrder` (ascending
/// target hash, independent of input order); a target takes its best node that it does not own
/// yet and that has room. A node is closed when it reaches its cap. Only targets that meet a full
/// node are rescored. In the rare end game where every node with room already owns the target, an
/// earlier placement is shifted to a node with room to make space (`makeRoom`).
enum CappedPass {
    static func run(
        policy: LoadCapPolicy, hashes: [UInt64], targetIDs: [String], table: NodeTable, replicas r: Int,
        owners: inout [Int32], warnings: inout [String]
    ) {
        let count = hashes.count
        let caps = (1...r).compactMap { round in
            LoadCap.caps(policy: policy, placements: round * count, targets: count, table: table)
        }
        guard caps.count == r, exceeds(owners: owners, replicas: r, caps: caps) else { return }

        let targets = UniqueTargets(hashes: hashes, targetIDs: targetIDs)
        let unique = targets.order
        let copies = targets.copies
        let preferred = owners
        let state = State(table: table, replicas: r, unique: unique)
        for round in 0..<r {
            state.startRound(caps: caps[round])
            for index in unique {
                let i = Int(index)
                owners[i * r + round] = state.place(
                    target: i, hash: hashes[i], round: round, preferred: preferred, owners: &owners)
            }
        }
        for (copy, of) in copies {
            for q in 0..<r {
                owners[copy * r + q] = owners[of * r + q]
            }
        }
        if state.overflow > 0 {
            warnings.append(
                "load cap exceeded by \(state.overflow) placements: too few collectors with room for \(r) distinct owners"
            )
        }
    }

    /// Whether the unconstrained owners break any cumulative cap.
    private static func exceeds(owners: [Int32], replicas r: Int, caps: [[Int]]) -> Bool {
        let nodes = caps[0].count
        var demand = [Int](repeating: 0, count: nodes)
        for round in 0..<r {
            var i = round
            while i < owners.count {
                demand[Int(owners[i])] += 1
                i += r
            }
            if zip(demand, caps[round]).contains(where: { $0 > $1 }) { return true }
        }
        return false
    }

    /// Loads, caps and the selectors of one replay.
    private final class State {
        let r: Int
        let table: NodeTable
        var loads: [Int]
        var caps: [Int] = []
        var full: [Bool]
        var open: CandidateSelector
        let everyone: CandidateSelector
        let scratch: UnsafeMutablePointer<Int32>
        var overflow = 0
        /// Targets already placed in the current round, in replay order (for `makeRoom`).
        var placedThisRound: [Int32] = []
        /// All targets in replay order.
        let unique: [Int32]

        init(table: NodeTable, replicas: Int, unique: [Int32]) {
            self.unique = unique
            r = replicas
            self.table = table
            loads = Array(repeating: 0, count: table.count)
            full = Array(repeating: false, count: table.count)
            open = CandidateSelector(table: table, replicas: replicas)
            everyone = CandidateSelector(table: table, replicas: replicas)
            scratch = .allocate(capacity: replicas)
            placedThisRound.reserveCapacity(unique.count)
        }

        deinit {
            scratch.deallocate()
        }

        func startRound(caps: [Int]) {
            self.caps = caps
            open = CandidateSelector(table: table, replicas: r)
            for id in 0..<table.count {
                full[id] = loads[id] >= caps[id]
                if full[id] {
                    open.close(Int32(id))
                }
            }
            placedThisRound.removeAll(keepingCapacity: true)
        }

        /// The owner of `target` for replica slot `round`.
        func place(target i: Int, hash: UInt64, round: Int, preferred: [Int32], owners: inout [Int32])
            -> Int32
        {
            let base = i * r
            func owned(_ id: Int32) -> Bool {
                for q in 0..<round where owners[base + q] == id { return true }
                return false
            }
            var choice: Int32 = -1
            for q in 0..<r where !owned(preferred[base + q]) {
                choice = preferred[base + q]
                break
            }
            if full[Int(choice)] {
                choice = -1
                let n = open.select(hash, into: scratch)
                for k in 0..<n where !owned(scratch[k]) {
                    choice = scratch[k]
                    break
                }
            }
            if choice < 0, round > 0 {
                choice = makeRoom(for: i, round: round, owners: &owners)
            }
            if choice < 0 {
                overflow += 1
                let n = everyone.select(hash, into: scratch)
                for k in 0..<n where !owned(scratch[k]) {
                    choice = scratch[k]
                    break
                }
            }
            take(choice)
            placedThisRound.append(Int32(i))
            return choice
        }

        private func take(_ id: Int32) {
            loads[Int(id)] += 1
            if loads[Int(id)] >= caps[Int(id)] {
                full[Int(id)] = true
                open.close(id)
            }
        }

        /// Every node with room already owns target `i`. Find a placement (u, f) made earlier —
        /// f a node that `i` does not own, u a target that does not own some node `o` with room —
        /// move u from f to o and give f's freed slot to `i`. No cap is exceeded.
        private func makeRoom(for i: Int, round: Int, owners: inout [Int32]) -> Int32 {
            let mine = Array(owners[(i * r)..<(i * r + round)])
            let roomy = (0..<table.count).filter { !full[$0] }.map(Int32.init)
            guard !roomy.isEmpty else { return -1 }
            for u in placedThisRound {
                if let f = shift(Int(u), slots: round + 1, avoiding: mine, roomy: roomy, owners: &owners) {
                    return f
                }
            }
            for u in unique where Int(u) != i {
                if let f = shift(Int(u), slots: round, avoiding: mine, roomy: roomy, owners: &owners) {
                    return f
                }
            }
            return -1
        }

        /// Moves one of target u's first `slots` placements to a node with room, if one is not
        /// owned by `avoiding`; returns the node it left (which then has room for exactly one).
        private func shift(
            _ u: Int, slots: Int, avoiding mine: [Int32], roomy: [Int32], owners: inout [Int32]
        ) -> Int32? {
            let ub = u * r
            let theirs = Array(owners[ub..<(ub + slots)])
            guard let o = roomy.first(where: { !theirs.contains($0) }) else { return nil }
            for q in 0..<slots {
                let f = owners[ub + q]
                guard !mine.contains(f), full[Int(f)] else { continue }
                owners[ub + q] = o
                loads[Int(f)] -= 1
                full[Int(f)] = false  // the caller's take(f) fills it again
                take(o)
                return f
            }
            return nil
        }
    }
}
