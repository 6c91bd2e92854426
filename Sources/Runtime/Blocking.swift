import Foundation

/// Runs blocking work (libcurl, waitpid) on a thread of its own, outside
/// both the Swift concurrency pool and libdispatch's worker pool: on a
/// small machine a few blocked workers would otherwise stall every task
/// for seconds while the pool grows.
public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 512 * 1024
        thread.start()
    }
}
