/// What `job submit --wait` and `job status --watch` write for each look at
/// a job. Pure: the watch loop polls the store and writes what this returns.
///
/// - On a terminal every look redraws one line in place: carriage return,
///   erase the line (`ESC [2K`), the ``JobProgress/bar(width:columns:)``
///   fitted to the width; the last frame (job ended) ends the line. The bar
///   never grows back while the width stays: as the text grows (elapsed
///   `850ms` → `12s` → `3m05s`, an ETA) it shrinks, and it would otherwise
///   jump back and forth between frames.
/// - Otherwise (a pipe, a file, a log) one ``JobProgress/line`` per change
///   of state, units or counts: the clock alone never adds a line.
public struct JobProgressDisplay: Sendable {
    /// Whether the output is a terminal.
    public var terminal: Bool
    /// The terminal's width in columns.
    public var columns: Int
    private var lastKey: String?
    /// The bar's cells so far, and the width they were fitted to.
    private var cells: (count: Int, columns: Int)?

    public init(terminal: Bool, columns: Int = 80) {
        self.terminal = terminal
        self.columns = max(1, columns)
    }

    /// Erases the current line and returns to its start.
    public static let redraw = "\r\u{1B}[2K"

    /// The text to write for `progress`, nil when there is nothing new.
    public mutating func frame(_ progress: JobProgress) -> String? {
        let ended = progress.state == .done || progress.state == .canceled
        if terminal {
            var count = progress.barCells(columns: columns)
            if let cells, cells.columns == columns { count = min(count, cells.count) }
            cells = (count, columns)
            return Self.redraw + progress.bar(width: count, columns: columns) + (ended ? "\n" : "")
        }
        let key = "\(progress.state) \(progress.unitsDone) \(progress.hostsDone) \(progress.countsText)"
        guard key != lastKey else { return nil }
        lastKey = key
        return progress.line + "\n"
    }
}
