import PromshardHashingEngine

/// The synthetic inputs shared by every scheme: target addresses and collector names.
enum Fleet {
    static let service = "node"

    /// `n` distinct target addresses `10.a.b.c:9100`.
    static func targets(_ n: Int) -> [String] {
        (0..<n).map { i in "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255):9100" }
    }

    /// Collector `j`: `prometheus-j:9090`, weight 1.
    static func collector(_ j: Int) -> HashNode {
        HashNode(name: "prometheus-\(j):9090")
    }

    /// Collectors `0 ..< n`.
    static func collectors(_ n: Int) -> [HashNode] {
        (0..<n).map(collector)
    }
}
