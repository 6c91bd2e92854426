import Foundation
import PromshardSpawn
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ``Spawn`` against real processes: argv without a shell, the environment,
/// descriptor set-up, process groups and errors.
struct SpawnTests {
    func temporaryFile(_ name: String) -> String {
        NSTemporaryDirectory() + "promshard-spawn-\(getpid())-\(name)"
    }

    func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    @Test func argumentsReachTheProgramVerbatimAndOutputGoesWhereAsked() throws {
        let out = temporaryFile("argv")
        defer { unlink(out) }
        let tricky = "a b; echo injected $(id) 'quoted'"
        let pid = try Spawn.start(
            ["/bin/echo", tricky], files: [.open(fd: 1, path: out, flags: O_WRONLY | O_CREAT | O_TRUNC)])
        #expect(wait(pid) == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == tricky + "\n")
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() throws {
        let out = temporaryFile("env")
        defer { unlink(out) }
        let pid = try Spawn.start(
            ["/usr/bin/env"], environment: ["ONLY": "this"],
            files: [.open(fd: 1, path: out, flags: O_WRONLY | O_CREAT | O_TRUNC)])
        #expect(wait(pid) == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "ONLY=this\n")
    }

    @Test func aNewProcessGroupIsLedByTheChild() throws {
        let pid = try Spawn.start(["/bin/sleep", "5"], newProcessGroup: true)
        #expect(getpgid(pid) == pid)
        kill(pid, SIGKILL)
        _ = wait(pid)
        let same = try Spawn.start(["/bin/sleep", "5"])
        #expect(getpgid(same) == getpgrp())
        kill(same, SIGKILL)
        _ = wait(same)
    }

    @Test func searchPathFindsProgramsWithoutASlash() throws {
        let pid = try Spawn.start(["true"], searchPath: true)
        #expect(wait(pid) == 0)
        #expect(throws: SpawnError.self) { try Spawn.start(["true"]) }
    }

    @Test func badCommandsAreTypedErrors() {
        #expect(throws: SpawnError(program: "", reason: "empty command")) { try Spawn.start([]) }
        do {
            _ = try Spawn.start(["/nonexistent/program"])
            Issue.record("started a missing program")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.contains("/nonexistent/program"))
        }
        #expect(throws: SpawnError.self) { try Spawn.start(["/bin/echo", "nul\u{0}byte"]) }
    }

    @Test func signalDispositionsAreResetInTheChild() throws {
        // This process may ignore SIGPIPE; the child must not inherit that.
        let out = temporaryFile("sig")
        defer { unlink(out) }
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let pid = try Spawn.start(
            ["/bin/grep", "^SigIgn", "/proc/self/status"],
            files: [.open(fd: 1, path: out, flags: O_WRONLY | O_CREAT | O_TRUNC)])
        #expect(wait(pid) == 0)
        let line = try String(contentsOfFile: out, encoding: .utf8)
        let mask = UInt64(
            line.split(separator: "\t").last!.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
        // Signals 1–31; the C library keeps its own real-time signals (32, 33) to itself.
        #expect(mask.map { $0 & 0x7fff_ffff } == 0, "ignored signals in the child: \(line)")
    }
}
