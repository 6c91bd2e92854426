/// The steps of sticky placement, on the distinct targets in `HashOrder`.
///
/// Slots are `u * r + q` (target position `u` in hash order, replica slot `q`); an owner is a
/// canonical node id, -1 while the slot is unplaced. Every step is deterministic: targets are
/// visited in hash order and nodes compared by rendezvous key, ties to the lower canonical id.
///
/// 1. `keep` (done by the caller): each target keeps its previous owners that are still nodes.
/// 2. `shedOverCap`: a node above its cap gives up its excess. With newcomers present it gives the
///    targets the newcomers rank best, and they go straight to the newcomers (`placeOnNewcomers`);
///    otherwise it gives the targets it ranks worst, and they become orphans.
/// 3. `newcomerIntake`: a newcomer (a node that held nothing) takes the targets whose rendezvous
///    choice it is, from owners above their floor, up to its own floor; if still short it pulls
///    from the most loaded nodes, the targets it ranks best.
/// 4. `placeOrphans`: every unplaced slot goes to its best node below its floor, else below its
///    cap, else (only possible with replicas, when every node with room already owns the target)
///    to its best node that does not own it, counted in `overflow`.
final class StickyPass {
    let table: NodeTable
    let r: Int
    let bounds: StickyBounds
    let hashes: [UInt64]
    var owners: [Int32]
    var loads: [Int]
    /// Placements above a cap (see step 4).
    private(set) var overflow = 0
    private let isNew: [Bool]
    private let newcomers: [Int32]

    /// - Parameters:
    ///   - hashes: target hashes in hash order (position `u`).
    ///   - kept: `hashes.count × replicas` slots, the previous owners still present, -1 elsewhere.
    init(table: NodeTable, replicas: Int, bounds: StickyBounds, hashes: [UInt64], kept: [Int32]) {
        self.table = table
        r = replicas
        self.bounds = bounds
        self.hashes = hashes
        owners = kept
        var loads = [Int](repeating: 0, count: table.count)
        for id in kept where id >= 0 {
            loads[Int(id)] += 1
        }
        self.loads = loads
        // Nodes that hold nothing of a non-empty previous assignment have just joined (or returned).
        let anyKept = loads.contains { $0 > 0 }
        let isNew = loads.map { anyKept && $0 == 0 }
        self.isNew = isNew
        newcomers = isNew.indices.filter { isNew[$0] }.map(Int32.init)
    }

    /// Runs steps 2 to 4.
    func run() {
        let shed = shedOverCap()
        placeOnNewcomers(shed)
        newcomerIntake()
        placeOrphans()
    }

    // MARK: - Scores

    /// Rendezvous key of (target `u`, node): lower is better (`-ln(u) / weight`, the order of
    /// `CandidateSelector`).
    @inline(__always)
    private func key(_ u: Int, _ id: Int32) -> Double {
        table.key(hashes[u], id)
    }

    @inline(__always)
    private func owns(_ u: Int, _ id: Int32) -> Bool {
        for q in 0..<r where owners[u * r + q] == id { return true }
        return false
    }

    /// The best newcomer for target `u` that does not own it and passes `room`.
    private func bestNewcomer(_ u: Int, room: (Int32) -> Bool) -> (id: Int32, key: Double)? {
        var best: (id: Int32, key: Double)?
        for n in newcomers where room(n) && !owns(u, n) {
            let k = key(u, n)
            if best == nil || k < best!.key { best = (n, k) }
        }
        return best
    }

    // MARK: - Step 2: caps

    /// Removes every node's placements above its cap; returns the freed slots, ascending.
    private func shedOverCap() -> [Int] {
        guard bounds.bounded else { return [] }
        let over = loads.indices.filter { loads[$0] > bounds.caps[$0] }
        guard !over.isEmpty else { return [] }
        var slotsOf = [[Int]](repeating: [], count: table.count)
        let isOver = loads.indices.map { loads[$0] > bounds.caps[$0] }
        for s in owners.indices where owners[s] >= 0 && isOver[Int(owners[s])] {
            slotsOf[Int(owners[s])].append(s)
        }
        var shed: [Int] = []
        for i in over {
            let id = Int32(i)
            // A target that already gave up a placement here is shed last: two freed slots of one
            // target cannot both go to one newcomer.
            let ranked: [(again: Bool, rank: Double, slot: Int)] = slotsOf[i].map { s in
                let u = s / r
                let again = r > 1 && (0..<r).contains { owners[u * r + $0] < 0 }
                if newcomers.isEmpty { return (again, -key(u, id), s) }
                return (again, bestNewcomer(u, room: { _ in true })?.key ?? .infinity, s)
            }
            let excess = loads[i] - bounds.caps[i]
            let order = ranked.sorted {
                $0.again != $1.again ? !$0.again : $0.rank != $1.rank ? $0.rank < $1.rank : $0.slot < $1.slot
            }
            for entry in order.prefix(excess) {
                owners[entry.slot] = -1
                loads[i] -= 1
                shed.append(entry.slot)
            }
        }
        return shed.sorted()
    }

    /// Gives shed slots to the newcomer that ranks them best and still has room under its cap.
    private func placeOnNewcomers(_ shed: [Int]) {
        guard !newcomers.isEmpty else { return }
        for s in shed {
            if let n = bestNewcomer(s / r, room: { self.loads[Int($0)] < self.bounds.caps[Int($0)] }) {
                owners[s] = n.id
                loads[Int(n.id)] += 1
            }
        }
    }

    // MARK: - Step 3: newcomers

    private func newcomerIntake() {
        guard !newcomers.isEmpty else { return }
        let quota = { (n: Int32) in min(self.bounds.floors[Int(n)], self.bounds.caps[Int(n)]) }
        let wantsMore = { (n: Int32) in
            !self.bounds.bounded || self.loads[Int(n)] < quota(n)
        }
        guard newcomers.contains(where: wantsMore) else { return }
        takeRendezvousChoices(wantsMore: wantsMore)
        if bounds.bounded {
            pullFromMostLoaded(quota: quota)
        }
    }

    /// (a) Every target whose best R nodes include a newcomer that wants more moves one placement
    /// to it, from the owner outside the best R that ranks it worst, if that owner is above its floor.
    private func takeRendezvousChoices(wantsMore: (Int32) -> Bool) {
        let everyone = CandidateSelector(table: table, replicas: r)
        let top = UnsafeMutablePointer<Int32>.allocate(capacity: r)
        defer { top.deallocate() }
        for u in 0..<hashes.count {
            let k = everyone.select(hashes[u], into: top)
            for j in 0..<k where isNew[Int(top[j])] {
                let n = top[j]
                guard wantsMore(n), !owns(u, n) else { continue }
                var donor: (slot: Int, key: Double)?
                for q in 0..<r {
                    let s = u * r + q
                    let o = owners[s]
                    guard o >= 0, !isNew[Int(o)], loads[Int(o)] > bounds.floors[Int(o)] else { continue }
                    if (0..<k).contains(where: { top[$0] == o }) { continue }
                    let ko = key(u, o)
                    if donor == nil || ko > donor!.key { donor = (s, ko) }
                }
                guard let donor else { continue }
                loads[Int(owners[donor.slot])] -= 1
                owners[donor.slot] = n
                loads[Int(n)] += 1
            }
        }
    }

    /// (b) A newcomer still below its quota takes, one at a time, the target it ranks best from
    /// the node with the largest surplus above its floor.
    private func pullFromMostLoaded(quota: (Int32) -> Int) {
        var slotsOf: [[Int]]?
        for n in newcomers where loads[Int(n)] < quota(n) {
            if slotsOf == nil {
                var lists = [[Int]](repeating: [], count: table.count)
                for s in owners.indices where owners[s] >= 0 && !isNew[Int(owners[s])] {
                    lists[Int(owners[s])].append(s)
                }
                slotsOf = lists
            }
            var ranked: [Int: (slots: [Int], next: Int)] = [:]
            pulling: while loads[Int(n)] < quota(n) {
                var donor = -1
                for o in 0..<table.count where !isNew[o] && loads[o] > bounds.floors[o] {
                    if donor < 0 || loads[o] - bounds.floors[o] > loads[donor] - bounds.floors[donor] {
                        donor = o
                    }
                }
                guard donor >= 0 else { break pulling }
                if ranked[donor] == nil {
                    let sorted = slotsOf![donor].map { (key($0 / r, n), $0) }
                        .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                    ranked[donor] = (sorted.map(\.1), 0)
                }
                var taken = false
                while let entry = ranked[donor], entry.next < entry.slots.count {
                    let s = entry.slots[entry.next]
                    ranked[donor]!.next += 1
                    guard owners[s] == Int32(donor), !owns(s / r, n) else { continue }
                    owners[s] = n
                    loads[donor] -= 1
                    loads[Int(n)] += 1
                    taken = true
                    break
                }
                // A donor whose every target the newcomer already owns cannot help: stop here.
                guard taken else { break pulling }
            }
        }
    }

    // MARK: - Step 4: orphans

    private func placeOrphans() {
        let empty = owners.indices.filter { owners[$0] < 0 }
        guard !empty.isEmpty else { return }
        let belowFloor = CandidateSelector(table: table, replicas: r)
        let belowCap = CandidateSelector(table: table, replicas: r)
        let everyone = CandidateSelector(table: table, replicas: r)
        for id in 0..<table.count {
            if loads[id] >= bounds.floors[id] { belowFloor.close(Int32(id)) }
            if loads[id] >= bounds.caps[id] { belowCap.close(Int32(id)) }
        }
        let top = UnsafeMutablePointer<Int32>.allocate(capacity: r)
        defer { top.deallocate() }
        func firstFree(_ selector: CandidateSelector, _ u: Int) -> Int32? {
            let k = selector.select(hashes[u], into: top)
            for j in 0..<k where !owns(u, top[j]) { return top[j] }
            return nil
        }
        for s in empty {
            let u = s / r
            let choice: Int32
            if let id = firstFree(belowFloor, u) ?? firstFree(belowCap, u) {
                choice = id
            } else if let id = firstFree(everyone, u) {
                choice = id
                overflow += 1
            } else {
                continue  // cannot happen: r never exceeds the number of nodes
            }
            owners[s] = choice
            let id = Int(choice)
            loads[id] += 1
            if loads[id] == bounds.floors[id] { belowFloor.close(choice) }
            if loads[id] == bounds.caps[id] { belowCap.close(choice) }
        }
    }
}
