import Foundation
import PromshardProtocol

/// The last published assignment, kept in `<state_dir>/assignment.json` so that a restarted
/// promshard resumes from what it handed out instead of computing afresh.
///
/// The file is one bus envelope line (topic `assignment`), written atomically (temporary file,
/// then rename): a crash leaves the old file or the new one, never half of one. Saves run off the
/// hashing loop, one at a time; a newer assignment replaces one still waiting to be written.
public final class AssignmentStore: @unchecked Sendable {
    /// Where the assignment of `stateDir` lives.
    public static func path(stateDir: String) -> String { "\(stateDir)/assignment.json" }

    private let lock = NSLock()
    private var pending: (path: String, body: AssignmentBody)?
    private var writing = false
    private let onError: @Sendable (String) -> Void

    /// - Parameter onError: receives a one-line description of a failed save.
    public init(onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.onError = onError
    }

    /// Reads the assignment saved under `stateDir`; nil when there is none, or it cannot be read
    /// (then `error` says why; a missing file is not an error).
    public static func load(stateDir: String) -> (body: AssignmentBody?, error: String?) {
        let path = path(stateDir: stateDir)
        guard FileManager.default.fileExists(atPath: path) else { return (nil, nil) }
        do {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            return (try BusCodec.decode(AssignmentBody.self, from: bytes).body, nil)
        } catch {
            return (nil, "cannot read \(path): \(BusCodec.describe(error))")
        }
    }

    /// Writes `body` under `stateDir` now, atomically.
    public static func write(_ body: AssignmentBody, stateDir: String) throws {
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let line = try BusCodec.encode(
            Envelope(type: .assignment, from: .hashing, seq: body.version, body: body))
        try Data(line).write(to: URL(fileURLWithPath: path(stateDir: stateDir)), options: .atomic)
    }

    /// Schedules a save of `body`; returns at once.
    public func save(_ body: AssignmentBody, stateDir: String) {
        lock.lock()
        pending = (stateDir, body)
        let start = !writing
        writing = true
        lock.unlock()
        guard start else { return }
        Thread.detachNewThread { [self] in drain() }
    }

    /// Waits until every scheduled save has been written (for shutdown and tests).
    public func flush() {
        while true {
            lock.lock()
            let idle = !writing
            lock.unlock()
            if idle { return }
            usleep(1_000)
        }
    }

    private func drain() {
        while true {
            lock.lock()
            guard let next = pending else {
                writing = false
                lock.unlock()
                return
            }
            pending = nil
            lock.unlock()
            do {
                try Self.write(next.body, stateDir: next.path)
            } catch {
                onError("cannot save the assignment under \(next.path): \(error)")
            }
        }
    }
}
