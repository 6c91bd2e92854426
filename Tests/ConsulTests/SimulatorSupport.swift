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

/// Runs `body` with a started simulator and awaits its shutdown afterwards,
/// also when `body` throws: the next test never meets a leftover server.
func withSimulator<T>(_ body: (ConsulSimulator) async throws -> T) async throws -> T {
    let sim = try await startedSimulator()
    do {
        let result = try await body(sim)
        await sim.shutdown()
        return result
    } catch {
        await sim.shutdown()
        throw error
    }
}

/// Runs `body` with a simulator and a ``ConsulFleet`` on it; awaits the
/// fleet's teardown, then the simulator's shutdown, also when `body` throws.
func withConsulFleet<T>(
    token: String = "", _ body: (ConsulSimulator, ConsulFleet) async throws -> T
) async throws -> T {
    try await withSimulator { sim in
        let fleet = try await ConsulFleet(sim: sim, token: token)
        do {
            let result = try await body(sim, fleet)
            await fleet.tearDown()
            return result
        } catch {
            await fleet.tearDown()
            throw error
        }
    }
}

/// Collects what a watch or an elector reports, for polling from tests.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
    var last: T? { all.last }
}
