/// Turns the flat owner list into `targetsByNode` (input node order, ascending target indices).
enum PlanBuilder {
    static func targetsByNode(owners: [Int32], replicas r: Int, table: NodeTable, nodeCount: Int) -> [[Int]] {
        var counts = [Int](repeating: 0, count: table.count)
        for id in owners {
            counts[Int(id)] += 1
        }
        var byCanonical: [[Int]] = counts.map { count in
            var list: [Int] = []
            list.reserveCapacity(count)
            return list
        }
        let targets = r == 0 ? 0 : owners.count / r
        owners.withUnsafeBufferPointer { owned in
            for i in 0..<targets {
                for q in 0..<r {
                    byCanonical[Int(owned[i * r + q])].append(i)
                }
            }
        }
        var result = [[Int]](repeating: [], count: nodeCount)
        for (id, list) in byCanonical.enumerated() {
            result[table.inputIndex[id]] = list
        }
        return result
    }
}
