extension AssignmentPlan {
    /// A stable 64-bit fingerprint of the whole assignment (XXH64 over, for each node in
    /// ascending name order: its name hash, its target count and its target indices, plus the
    /// replicas). Two processes that computed the same plan print the same digest.
    public var digest: UInt64 {
        var words: [UInt64] = [UInt64(replicas)]
        let order = nodes.indices.sorted {
            nodes[$0].name.utf8.lexicographicallyPrecedes(nodes[$1].name.utf8)
        }
        for n in order {
            words.append(XXH64.hash(nodes[n].name))
            words.append(UInt64(targetsByNode[n].count))
            for t in targetsByNode[n] {
                words.append(UInt64(t))
            }
        }
        return words.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices {
                buffer[k] = buffer[k].littleEndian
            }
            return XXH64.hash(UnsafeRawBufferPointer(buffer))
        }
    }
}
