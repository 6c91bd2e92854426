/// The processing order of the load-capped pass: targets by ascending hash, which depends only
/// on the target set (never on input order). Equal hashes, i.e. duplicate ids or a true 64-bit
/// collision, are ordered by the id's UTF-8 bytes.
enum HashOrder {
    /// Indices of `hashes` sorted by (hash, id bytes, index).
    ///
    /// One counting pass over the top bits and a scatter, then insertion sort of the tiny
    /// buckets: the hashes are uniform, so buckets hold about one element each.
    static func sortedIndices(_ hashes: [UInt64], ids: [String]) -> [Int32] {
        let n = hashes.count
        guard n > 1 else { return n == 1 ? [0] : [] }
        var bits = 8
        while bits < 20 && (1 << bits) < n {
            bits += 1
        }
        let shift = UInt64(64 - bits)
        var counts = [Int](repeating: 0, count: (1 << bits) + 1)
        for h in hashes {
            counts[Int(h >> shift) + 1] += 1
        }
        for b in 1..<counts.count {
            counts[b] += counts[b - 1]
        }
        var order = [Int32](repeating: 0, count: n)
        var sortedKeys = [UInt64](repeating: 0, count: n)
        var next = counts
        for i in 0..<n {
            let b = Int(hashes[i] >> shift)
            order[next[b]] = Int32(i)
            sortedKeys[next[b]] = hashes[i]
            next[b] += 1
        }
        for b in 0..<(1 << bits) {
            let lo = counts[b]
            let hi = counts[b + 1]
            if hi - lo < 2 { continue }
            if hi - lo <= 32 {
                insertionSort(&order, &sortedKeys, lo, hi)
            } else {
                var slice = Array(zip(sortedKeys[lo..<hi], order[lo..<hi]))
                slice.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                for (k, entry) in slice.enumerated() {
                    sortedKeys[lo + k] = entry.0
                    order[lo + k] = entry.1
                }
            }
        }
        breakTiesByID(&order, sortedKeys, ids: ids)
        return order
    }

    private static func insertionSort(_ order: inout [Int32], _ keys: inout [UInt64], _ lo: Int, _ hi: Int) {
        for i in (lo + 1)..<hi {
            let key = keys[i]
            let index = order[i]
            var j = i
            while j > lo && keys[j - 1] > key {
                keys[j] = keys[j - 1]
                order[j] = order[j - 1]
                j -= 1
            }
            keys[j] = key
            order[j] = index
        }
    }

    /// Runs of equal hashes are ordered by id bytes so that the order never depends on input order.
    private static func breakTiesByID(_ order: inout [Int32], _ keys: [UInt64], ids: [String]) {
        var lo = 0
        while lo < keys.count {
            var hi = lo + 1
            while hi < keys.count && keys[hi] == keys[lo] {
                hi += 1
            }
            if hi - lo > 1 {
                let run = order[lo..<hi].sorted { a, b in
                    let x = ids[Int(a)].utf8
                    let y = ids[Int(b)].utf8
                    return x.elementsEqual(y) ? a < b : x.lexicographicallyPrecedes(y)
                }
                order.replaceSubrange(lo..<hi, with: run)
            }
            lo = hi
        }
    }
}
