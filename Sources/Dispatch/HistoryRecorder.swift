import Foundation
import PromshardHistory

/// Writes delivery attempts to the history database on a thread of its own,
/// so that the scheduler never waits for SQLite.
///
/// ``record(_:)`` only queues the row. The writer thread opens the database
/// lazily (again after a failure) and writes queued rows in batches. When the
/// database cannot be used (corrupt, locked, unwritable) the rows of that
/// batch are dropped and delivery goes on; the problem is reported once per
/// failure episode (``Event/failing(_:)``), and the end of the episode with
/// the number of rows lost (``Event/recovered(dropped:)``).
public final class HistoryRecorder: @unchecked Sendable {
    /// What the recorder reports.
    public enum Event: Sendable, Equatable {
        /// The first failure of an episode.
        case failing(HistoryError)
        /// Writes work again; `dropped` rows were lost meanwhile.
        case recovered(dropped: Int)
    }

    /// Rows waiting beyond this are dropped (the database is far behind or stuck).
    public static let maxPending = 10_000

    /// Path of the database.
    public let path: String
    private let maxRows: Int
    private let report: @Sendable (Event) -> Void
    private let condition = NSCondition()
    private var pending: [HistoryEntry] = []
    private var writing = false
    private var closed = false
    private var history: DeliveryHistory?
    private var failing = false
    private var dropped = 0

    /// Starts the writer thread for the database at `path`.
    public init(
        path: String, maxRows: Int = DeliveryHistory.defaultMaxRows,
        report: @escaping @Sendable (Event) -> Void
    ) {
        self.path = path
        self.maxRows = maxRows
        self.report = report
        let thread = Thread { [self] in loop() }
        thread.name = "promshard-history"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Queues one attempt; never blocks on the database.
    public func record(_ entry: HistoryEntry) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        if pending.count >= Self.maxPending {
            pending.removeFirst()
            dropped += 1
        }
        pending.append(entry)
        condition.signal()
    }

    /// Whether every queued row has been handled (written or dropped).
    public var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return pending.isEmpty && !writing
    }

    /// Waits (polling) until every queued row has been handled, at most `timeout`.
    public func waitUntilIdle(timeout: Duration = .seconds(10)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while !isIdle {
            if ContinuousClock.now >= end { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Stops the writer thread once the queue is handled; later rows are ignored.
    public func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && closed {
                condition.unlock()
                return
            }
            let batch = pending
            pending = []
            writing = true
            condition.unlock()

            let outcome = write(batch)

            condition.lock()
            writing = false
            var event: Event?
            switch outcome {
            case .success:
                if failing {
                    event = .recovered(dropped: dropped)
                    failing = false
                    dropped = 0
                }
            case .failure(let error):
                dropped += batch.count
                if !failing {
                    failing = true
                    event = .failing(error)
                }
            }
            condition.unlock()
            if let event { report(event) }
        }
    }

    private func write(_ batch: [HistoryEntry]) -> Result<Void, HistoryError> {
        do throws(HistoryError) {
            let history: DeliveryHistory
            if let open = self.history {
                history = open
            } else {
                history = try DeliveryHistory(path: path, maxRows: maxRows)
                self.history = history
            }
            try history.append(batch)
            return .success(())
        } catch {
            // Open afresh next time: the file may have been replaced or repaired.
            if case .locked = error {} else { self.history = nil }
            return .failure(error)
        }
    }
}
