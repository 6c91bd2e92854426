import ConsulSimulator
import Foundation
import PromshardConsul
import PromshardTestSupport

/// Starts a simulator on a free loopback port.
func startedSimulator() async throws -> ConsulSimulator {
    let sim = ConsulSimulator(port: freePort())
    try await sim.start()
    return sim
}

/// Collects what a watch or an elector reports, for polling from tests.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
    var last: T? { all.last }
}
