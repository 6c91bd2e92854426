import Foundation
import Logging
import PromshardHistory

/// The dispatch child's way into the delivery history: the recorder of the
/// current `state_dir` (`<state_dir>/history.sqlite`), replaced when a new
/// config moves the state directory. Problems are logged once per failure
/// episode; delivery never waits for the database.
public final class HistorySink: @unchecked Sendable {
    private let lock = NSLock()
    private var recorder: HistoryRecorder?
    private let logger: Logger

    public init(logger: Logger = Logger(label: "dispatch")) {
        self.logger = logger
    }

    /// Records into `<stateDir>/history.sqlite` from now on.
    public func use(stateDir: String) {
        let path = DeliveryHistory.path(stateDir: stateDir)
        lock.lock()
        defer { lock.unlock() }
        guard recorder?.path != path else { return }
        recorder?.close()
        let logger = self.logger
        recorder = HistoryRecorder(path: path) { event in
            switch event {
            case .failing(let error):
                logger.error(
                    "delivery history unavailable; deliveries go on without it",
                    metadata: ["path": "\(path)", "error": "\(error)"])
            case .recovered(let dropped):
                logger.notice(
                    "delivery history writable again",
                    metadata: ["path": "\(path)", "rows_lost": "\(dropped)"])
            }
        }
    }

    /// Queues one attempt (dropped when no state directory is known yet).
    public func record(_ entry: HistoryEntry) {
        current()?.record(entry)
    }

    private func current() -> HistoryRecorder? {
        lock.withLock { recorder }
    }

    /// Waits until the queued rows are written (or dropped), at most `timeout`.
    public func waitUntilIdle(timeout: Duration) async -> Bool {
        return await current()?.waitUntilIdle(timeout: timeout) ?? true
    }

    /// Stops recording (queued rows are still written).
    public func close() {
        lock.lock()
        recorder?.close()
        recorder = nil
        lock.unlock()
    }
}
