/// The result of one assignment: which targets each collector scrapes.
public struct AssignmentPlan: Sendable {
    /// Exactly the input nodes, in input order.
    public var nodes: [HashNode]
    /// Per node (same index as `nodes`), ascending indices into the input target list.
    public var targetsByNode: [[Int]]
    /// Effective replicas: `min(requested, usable collectors)`, 0 when there is no collector.
    public var replicas: Int
    /// Human-readable notes about degraded input (too few collectors, bad weights, ...).
    public var warnings: [String]

    /// Creates a plan; used by the engine and by alternative schemes in the benchmark.
    public init(nodes: [HashNode], targetsByNode: [[Int]], replicas: Int, warnings: [String] = []) {
        self.nodes = nodes
        self.targetsByNode = targetsByNode
        self.replicas = replicas
        self.warnings = warnings
    }

    /// Number of targets per node, same index as `nodes`.
    public var loads: [Int] { targetsByNode.map(\.count) }
}
