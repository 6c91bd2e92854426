import Synchronization

/// The current ``GatewayRing``, swapped whole when `push.gateways` changes
/// and read by every request; `version` counts the swaps.
final class RingHolder: Sendable {
    private let state = Mutex((ring: GatewayRing.empty, version: 0))

    var current: GatewayRing { state.withLock { $0.ring } }
    var version: Int { state.withLock { $0.version } }

    func set(_ new: GatewayRing) {
        state.withLock {
            $0.ring = new
            $0.version += 1
        }
    }
}
