import ArgumentParser
import Foundation
import PromshardConfig
import PromshardHistory
import PromshardProtocol

/// `promshard history`: the delivery attempts recorded by the dispatch child
/// in `<state_dir>/history.sqlite`, newest first, as a table or JSON.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print the recorded delivery attempts, newest first (a table, or JSON with --json).")

    @OptionGroup var configOption: ConfigOption

    @Option(name: .long, help: "Only this service.")
    var service: String?

    @Option(name: .long, help: "Only this collector (address:port).")
    var collector: String?

    @Option(
        name: .long,
        help:
            "Only this status: \(Self.statuses.joined(separator: ", ")). `deferred` is `[]` to a collector known to be down, retried quietly; the other statuses leave those out."
    )
    var status: String?

    @Option(name: .long, help: "At most this many rows (the newest).")
    var limit: Int = 50

    @Flag(name: .long, help: "Print a JSON array instead of a table.")
    var json = false

    /// The `--status` pseudo-status of deferred drains.
    static let deferred = "deferred"
    /// What `--status` accepts.
    static let statuses = DeliveryStatus.allCases.map(\.rawValue) + [deferred]

    func validate() throws {
        if let status, !Self.statuses.contains(status) {
            throw ValidationError(
                "unknown status \"\(status)\" (one of \(Self.statuses.joined(separator: ", ")))")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() async throws {
        let config = try configOption.load()
        let path = DeliveryHistory.path(stateDir: config.stateDir)
        let query = HistoryQuery(
            service: service, collector: collector, status: status.flatMap(DeliveryStatus.init(rawValue:)),
            deferred: status.map { $0 == Self.deferred }, limit: limit)
        let entries: [HistoryEntry]
        do {
            guard let history = try DeliveryHistory.openForReading(path: path) else {
                // Nothing delivered yet: an empty history, not an error.
                if json {
                    print("[]")
                } else {
                    FileHandle.standardError.write(
                        Data("no delivery recorded yet (\(path) does not exist)\n".utf8))
                }
                return
            }
            entries = try history.entries(query)
        } catch {
            FileHandle.standardError.write(Data("promshard history: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            FileHandle.standardOutput.write(Data(HistoryTable.json(entries).utf8))
        } else if entries.isEmpty {
            FileHandle.standardError.write(Data("no delivery matches\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(HistoryTable.text(entries).utf8))
        }
    }
}
