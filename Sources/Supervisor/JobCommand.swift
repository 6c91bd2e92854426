import ArgumentParser
import Foundation
import PromshardConfig
import PromshardJobs
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard job`: submit jobs to the job store named by the config, and
/// query them. The daemon's `jobs` child runs the units.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Submit, watch, query and cancel jobs (ansible over many hosts).",
        subcommands: [
            JobSubmit.self, JobStatus.self, JobResults.self, JobHosts.self, JobList.self, JobCancel.self,
        ])
}

/// Opens the config's job store, or explains why not.
struct JobStoreOption: ParsableArguments {
    @OptionGroup var configOption: ConfigOption

    func open() throws -> (any JobStore, JobsSettings) {
        let config = try configOption.load()
        guard let settings = config.jobs else {
            fail("\(config.sourcePath) has no jobs: section")
        }
        do {
            return (try JobStoreOpener.open(settings, stateDir: config.stateDir), settings)
        } catch {
            fail("\(error)")
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("promshard job: \(message)\n".utf8))
    Foundation.exit(1)
}

func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

func printOut(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

struct JobSubmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Submit a job.")
    @OptionGroup var store: JobStoreOption
    @Option(help: "Hosts, comma-separated.") var hosts: String?
    @Option(help: "A file with one host per line (# comments).") var hostsFile: String?
    @Option(help: "Ansible module (adhoc).") var module: String?
    @Option(help: "Module arguments (adhoc).") var args: String?
    @Option(help: "A playbook file.") var playbook: String?
    @Option(help: "Deadline of one unit (e.g. 90s, 10m); default jobs.timeout.") var timeout: String?
    @Option(help: "Hosts per unit; default jobs.unit_size.") var unitSize: Int?
    @Option(help: "The job's id (default: generated).") var id: String?
    @Flag(help: "Show progress until the job ends.") var wait = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if (hosts == nil) == (hostsFile == nil) { throw ValidationError("give --hosts or --hosts-file") }
        if (module == nil) == (playbook == nil) {
            throw ValidationError("give --module (with --args) or --playbook")
        }
        if playbook != nil, args != nil { throw ValidationError("--args goes with --module, not --playbook") }
    }

    func run() async throws {
        let (store, settings) = try store.open()
        var list: [String] = []
        if let hosts { list = hosts.split(separator: ",").map(String.init) }
        if let hostsFile {
            guard let text = try? String(contentsOfFile: hostsFile, encoding: .utf8) else {
                fail("cannot read \(hostsFile)")
            }
            list += text.split(whereSeparator: \.isNewline).map {
                String($0.split(separator: "#").first ?? "")
            }
        }
        var timeoutMs = Int(settings.timeout.components.seconds * 1000)
        if let timeout {
            guard let d = parseDuration(timeout), d > .zero else {
                fail("--timeout \(timeout): not a duration like 90s or 10m")
            }
            timeoutMs = Int(d.wholeMilliseconds)
        }
        let task: JobTask
        if let playbook {
            let path = URL(fileURLWithPath: playbook).standardizedFileURL.path
            guard FileManager.default.isReadableFile(atPath: path) else {
                fail("cannot read playbook \(path)")
            }
            task = .playbook(path)
        } else {
            task = .adhoc(module: module ?? "", args: args)
        }
        let spec = JobSpec(
            id: id, hosts: list, task: task, unitSize: unitSize ?? settings.unitSize, timeoutMs: timeoutMs)
        let job: JobRecord
        do { job = try await store.submit(spec, nowMs: wallMs()) } catch { fail("\(error)") }
        if json && !wait {
            printOut(JobTable.json(["id": job.id]))
            return
        }
        if !json {
            FileHandle.standardError.write(
                Data("submitted \(job.id): \(job.hosts) hosts in \(job.units) units\n".utf8))
        }
        if wait {
            let end = await JobWatch.watch(store: store, id: job.id)
            if json { printOut(JobTable.json(end)) }
        } else {
            printOut(job.id + "\n")
        }
    }
}

/// Polls a job and draws its progress until it ends (``JobProgressDisplay``):
/// a bar redrawn in place when stderr is a terminal, one plain line per
/// change otherwise.
enum JobWatch {
    static func watch(store: any JobStore, id: String, quiet: Bool = false) async -> JobRecord {
        let tty = isatty(STDERR_FILENO) == 1
        var display = JobProgressDisplay(terminal: tty, columns: terminalColumns())
        if tty && !quiet { endLineOnInterrupt() }
        while true {
            let found: JobRecord?
            do { found = try await store.job(id) } catch { fail("\(error)") }
            guard let job = found else { fail("no job \"\(id)\"") }
            let ended = job.state == .done || job.state == .canceled
            if !quiet {
                display.columns = tty ? terminalColumns() : display.columns  // follows a resize
                if let text = display.frame(JobProgress(job, nowMs: wallMs())) {
                    FileHandle.standardError.write(Data(text.utf8))
                }
            }
            if ended { return job }
            try? await Task.sleep(for: .milliseconds(tty ? 250 : 1000))
        }
    }

    /// Ctrl-C while the bar is drawn: end its line (the shell prompt would
    /// land on it otherwise), say that the job goes on, exit 130.
    static func endLineOnInterrupt() {
        signal(SIGINT) { _ in
            // Async-signal-safe: a static string, write(2), _exit(2).
            let note: StaticString = "\nstopped watching: the job goes on (promshard job status ID --watch)\n"
            _ = write(STDERR_FILENO, note.utf8Start, note.utf8CodeUnitCount)
            _exit(130)
        }
    }

    /// The width of the terminal on stderr, else `$COLUMNS`, else 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}

struct JobStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "A job's state and counts.")
    @OptionGroup var store: JobStoreOption
    @Argument var id: String
    @Flag(help: "Show progress until the job ends.") var watch = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (store, _) = try store.open()
        var job: JobRecord
        do {
            guard let found = try await store.job(id) else { fail("no job \"\(id)\"") }
            job = found
        } catch { fail("\(error)") }
        if watch { job = await JobWatch.watch(store: store, id: id) }
        if json {
            printOut(JobTable.json(job))
        } else if !watch {
            printOut(JobProgress(job, nowMs: wallMs()).line + "\n")
        }
    }
}

struct JobResults: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "A job's per-host results.")
    @OptionGroup var store: JobStoreOption
    @Argument var id: String
    @Option(help: "Only this status: \(HostStatus.finals.map(\.rawValue).joined(separator: ", ")).")
    var status: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (store, _) = try store.open()
        var filter: HostStatus?
        if let status {
            guard let s = HostStatus(rawValue: status), s.isFinal else {
                fail(
                    "unknown status \"\(status)\" (one of \(HostStatus.finals.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            filter = s
        }
        let rows: [HostResult]
        do { rows = try await store.results(job: id, status: filter) } catch { fail("\(error)") }
        printOut(json ? JobTable.json(rows) : JobTable.results(rows, withJob: false))
    }
}

struct JobHosts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "Results of hosts across jobs: --ip (every job, newest first) or --ips (latest each).")
    @OptionGroup var store: JobStoreOption
    @Option(help: "One host: its result in every job, newest first.") var ip: String?
    @Option(help: "Hosts, comma-separated: the latest result of each.") var ips: String?
    @Option(help: "At most this many rows for --ip.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if (ip == nil) == (ips == nil) { throw ValidationError("give --ip or --ips") }
    }

    func run() async throws {
        let (store, _) = try store.open()
        let rows: [HostResult]
        do {
            if let ip {
                rows = try await store.results(host: ip, limit: limit)
            } else {
                rows = try await store.latest(hosts: (ips ?? "").split(separator: ",").map(String.init))
            }
        } catch { fail("\(error)") }
        printOut(json ? JobTable.json(rows) : JobTable.results(rows, withJob: true))
    }
}

struct JobList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The newest jobs.")
    @OptionGroup var store: JobStoreOption
    @Option(help: "At most this many jobs.") var limit = 50
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (store, _) = try store.open()
        let jobs: [JobRecord]
        do { jobs = try await store.jobs(limit: limit) } catch { fail("\(error)") }
        printOut(json ? JobTable.json(jobs) : JobTable.jobs(jobs, nowMs: wallMs()))
    }
}

struct JobCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job.")
    @OptionGroup var store: JobStoreOption
    @Argument var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (store, _) = try store.open()
        let canceled: Bool
        do { canceled = try await store.cancel(job: id, nowMs: wallMs()) } catch { fail("\(error)") }
        if json {
            printOut(JobTable.json(["id": JSONValue.string(id), "canceled": .bool(canceled)]))
        } else {
            printOut(canceled ? "canceled \(id)\n" : "\(id) had already ended\n")
        }
    }
}
