/// The distinct targets of one assignment in `HashOrder`, with duplicate ids set aside.
///
/// Duplicate ids (equal hash and equal bytes, adjacent in hash order) are placed once; each copy
/// gets the owners of the first occurrence at the end.
struct UniqueTargets {
    /// Input indices of the distinct targets, ascending hash (then id bytes).
    var order: [Int32] = []
    /// Later occurrences of an id and the input index of its first occurrence.
    var copies: [(copy: Int, of: Int)] = []

    init(hashes: [UInt64], targetIDs: [String]) {
        let sorted = HashOrder.sortedIndices(hashes, ids: targetIDs)
        order.reserveCapacity(sorted.count)
        for index in sorted {
            let i = Int(index)
            if let last = order.last.map(Int.init), hashes[i] == hashes[last],
                targetIDs[i].utf8.elementsEqual(targetIDs[last].utf8)
            {
                copies.append((i, last))
            } else {
                order.append(index)
            }
        }
    }
}
