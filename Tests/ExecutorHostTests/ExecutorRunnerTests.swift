import Foundation
import PromshardExecutorHost
import PromshardProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ExecutorRunner against the shell plugins in Plugins/: one per outcome kind,
/// plus the process-group guarantees (no survivors after deadline + grace, no
/// hang on a grandchild holding stdout).
@Suite(.serialized)
struct ExecutorRunnerTests {
    typealias Support = ExecutorTestSupport

    @Test func okResultLineAndSortedRequestOnStdin() async throws {
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("ok.sh"), request: Support.request(service: "node"),
            deadline: .seconds(10))
        #expect(outcome.status == .ok)
        #expect(outcome.message == "delivered node")
        #expect(outcome.changed == true)
        #expect(outcome.exitCode == 0)
        #expect(outcome.signal == nil)
        #expect(outcome.stdoutLines.count == 2)
        #expect(outcome.stdoutLines.first == #"{"event":"progress","message":"working"}"#)
        // The request arrives as one line of JSON with sorted keys.
        #expect(
            outcome.stderrTail.hasPrefix(
                #"{"collector":{"address":"127.0.0.1","name":"127.0.0.1:9090","port":9090},"deadline_ms":10000,"file":"#
            ))
        #expect(outcome.stderrTail.contains(#""protocol":1"#))
    }

    @Test func exitOneIsFailedWithTheResultMessage() async {
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("failed.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(outcome.status == .failed)
        #expect(outcome.message == "collector said no")
        #expect(outcome.changed == false)
        #expect(outcome.exitCode == 1)
    }

    @Test func exitTwoIsBadRequest() async {
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("bad_request.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(outcome.status == .badRequest)
        #expect(outcome.message.contains("exit code 2"))
        #expect(outcome.message.contains("missing params.user"))
        #expect(outcome.stderrTail == "missing params.user\n")
    }

    @Test func killedBySignalIsCrashed() async {
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("crash_signal.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(outcome.status == .crashed)
        #expect(outcome.signal == SIGSEGV)
        #expect(outcome.exitCode == nil)
        #expect(outcome.message == "killed by signal 11 (SIGSEGV)")
    }

    @Test func unknownExitCodeIsCrashedEvenWithAnOkLine() async {
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("crash_exit.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(outcome.status == .crashed)
        #expect(outcome.exitCode == 7)
        #expect(outcome.message == "exit code 7: looked fine")
    }

    @Test func exitZeroWithoutResultLineIsBadOutput() async {
        let garbage = await ExecutorRunner().run(
            executable: Support.plugin("garbage.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(garbage.status == .badOutput)
        #expect(
            garbage.message == "exit code 0 but the last stdout line is not a result: hello, I am not JSON")

        // Exits without reading stdin: writing the request gets EPIPE, not SIGPIPE.
        let silent = await ExecutorRunner().run(
            executable: Support.plugin("silent.sh"), request: Support.request(), deadline: .seconds(10))
        #expect(silent.status == .badOutput)
        #expect(silent.message == "exit code 0 but no result line on stdout")
    }

    @Test func missingOrNonExecutableFileIsSpawnFailed() async {
        let missing = await ExecutorRunner().run(
            executable: Support.plugin("does_not_exist.sh"), request: Support.request(),
            deadline: .seconds(10))
        #expect(missing.status == .spawnFailed)
        #expect(missing.message.contains("No such file or directory"))

        let notExecutable = await ExecutorRunner().run(
            executable: Support.plugin("not_executable.sh"), request: Support.request(),
            deadline: .seconds(10))
        #expect(notExecutable.status == .spawnFailed)
        #expect(notExecutable.message.contains("not executable"))
    }

    /// The plugin ignores SIGTERM and forks a grandchild that ignores it too:
    /// both must be gone after deadline + grace, and the outcome is `timeout`.
    @Test func timeoutKillsTheWholeGroupEvenWhenSIGTERMIsIgnored() async throws {
        let dir = Support.temporaryDirectory("timeout")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidfile = "\(dir)/pids"
        let start = ContinuousClock.now
        let outcome = await ExecutorRunner(killGrace: .milliseconds(700)).run(
            executable: Support.plugin("hang_ignore_term.sh"),
            request: Support.request(params: ["pidfile": .string(pidfile)]),
            deadline: .seconds(1))
        let elapsed = ContinuousClock.now - start

        #expect(outcome.status == .timeout)
        #expect(
            outcome.message
                == "deadline 1s exceeded, process group killed (SIGTERM, then SIGKILL after 700ms)")
        #expect(outcome.signal == SIGKILL)
        #expect(outcome.stdoutLines == [#"{"event":"progress","message":"hanging"}"#])
        #expect(elapsed >= .milliseconds(1700))
        #expect(elapsed < .seconds(5), "runner took \(elapsed) for deadline 1s + grace 0.7s")

        let pids = Support.readPids(pidfile)
        try #require(pids.count == 2, "plugin did not record its pids")
        for pid in pids {
            #expect(await Support.isGone(pid), "process \(pid) survived deadline + grace")
        }
    }

    /// The leader exits at once with a result but leaves a grandchild holding
    /// stdout: the runner returns `ok` without waiting for it, and kills it.
    @Test func leaderExitingWithAGrandchildHoldingStdoutDoesNotHang() async throws {
        let dir = Support.temporaryDirectory("grandchild")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidfile = "\(dir)/pids"
        let outcome = await ExecutorRunner().run(
            executable: Support.plugin("leave_grandchild.sh"),
            request: Support.request(params: ["pidfile": .string(pidfile)]), deadline: .seconds(30))
        #expect(outcome.status == .ok)
        #expect(outcome.message == "done, left a sleeper")
        #expect(outcome.duration < .seconds(5), "runner waited \(outcome.duration) for a grandchild")

        let pids = Support.readPids(pidfile)
        try #require(pids.count == 2, "plugin did not record its pids")
        #expect(await Support.isGone(pids[1]), "background grandchild \(pids[1]) survived the run")
    }

    /// Cancelling the calling task kills the group at once.
    @Test func cancellationKillsTheGroup() async throws {
        let dir = Support.temporaryDirectory("cancel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidfile = "\(dir)/pids"
        let task = Task {
            await ExecutorRunner(killGrace: .seconds(10)).run(
                executable: Support.plugin("hang_ignore_term.sh"),
                request: Support.request(params: ["pidfile": .string(pidfile)]), deadline: .seconds(60))
        }
        while !FileManager.default.fileExists(atPath: pidfile) {
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        let outcome = await task.value
        #expect(outcome.status == .timeout)
        #expect(outcome.message == "run cancelled, process group killed")
        #expect(outcome.duration < .seconds(5))
        for pid in Support.readPids(pidfile) {
            #expect(await Support.isGone(pid), "process \(pid) survived cancellation")
        }
    }

    /// Runs are independent: a hanging executor does not hold up quick ones.
    @Test func concurrentRunsDoNotWaitForEachOther() async throws {
        let dir = Support.temporaryDirectory("concurrent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ExecutorRunner(killGrace: .milliseconds(300))
        let order = await withTaskGroup(
            of: (String, DeliveryStatus).self, returning: [(String, DeliveryStatus)].self
        ) {
            group in
            for i in 0..<2 {
                group.addTask {
                    let outcome = await runner.run(
                        executable: Support.plugin("hang_ignore_term.sh"),
                        request: Support.request(params: ["pidfile": .string("\(dir)/hang\(i)")]),
                        deadline: .milliseconds(1500))
                    return ("hang", outcome.status)
                }
            }
            for i in 0..<12 {
                group.addTask {
                    let outcome = await runner.run(
                        executable: Support.plugin("ok.sh"), request: Support.request(service: "s\(i)"),
                        deadline: .seconds(30))
                    return ("ok", outcome.status)
                }
            }
            var order: [(String, DeliveryStatus)] = []
            for await item in group { order.append(item) }
            return order
        }
        #expect(order.count == 14)
        #expect(order.prefix(12).allSatisfy { $0 == ("ok", .ok) }, "\(order)")
        #expect(order.suffix(2).allSatisfy { $0 == ("hang", .timeout) }, "\(order)")
    }

    /// Closing stdout early does not end supervision: the deadline still applies.
    @Test func closingStdoutDoesNotEscapeTheDeadline() async {
        let outcome = await ExecutorRunner(killGrace: .seconds(5)).run(
            executable: Support.plugin("close_stdout_hang.sh"), request: Support.request(),
            deadline: .milliseconds(800))
        #expect(outcome.status == .timeout)
        #expect(outcome.message == "deadline 800ms exceeded, process group terminated (SIGTERM)")
        #expect(outcome.duration < .seconds(4))
    }

    /// The executor starts with default dispositions and an empty mask even
    /// though this process ignores SIGPIPE (the runner does that) and runs the
    /// spawn on a thread that blocks most signals (libdispatch workers do), so a
    /// plain `sh -c 'sleep 100'` dies on the deadline's SIGTERM without SIGKILL.
    ///
    /// (Not tested by ignoring SIGTERM here: that is process-wide and would leak
    /// into processes other tests start with Foundation.Process, which does not
    /// reset dispositions.)
    @Test func executorStartsWithDefaultSignalDispositions() async throws {
        let outcome = await ExecutorRunner(killGrace: .seconds(10)).run(
            executable: Support.plugin("sleep_default_signals.sh"), request: Support.request(),
            deadline: .milliseconds(500))
        let ownStatus = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let ownIgnored = ownStatus.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { $0.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) } }
        #expect(ownIgnored.map { $0 & (1 << (UInt64(SIGPIPE) - 1)) != 0 } == true, "SIGPIPE not ignored here")

        #expect(outcome.status == .timeout)
        #expect(outcome.signal == SIGTERM)
        #expect(outcome.message == "deadline 500ms exceeded, process group terminated (SIGTERM)")
        #expect(outcome.duration < .seconds(5))
        // Standard signals 1…31 (the low bits): none blocked, none ignored. (Bits
        // 32/33 are glibc-internal real-time signals that user code cannot set.)
        let masks = outcome.stdoutLines.map {
            $0.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) }
        }
        #expect(masks.count == 2)
        #expect(masks.allSatisfy { $0.map { $0 & 0x7fff_ffff == 0 } ?? false }, "\(outcome.stdoutLines)")
    }

    @Test func outputIsCappedAndTheResultLineKept() async {
        let outcome = await ExecutorRunner(maxOutputBytes: 4096).run(
            executable: Support.plugin("chatty.sh"), request: Support.request(), deadline: .seconds(30))
        #expect(outcome.status == .ok)
        #expect(outcome.message == "chatty done")
        let kept = outcome.stdoutLines.reduce(0) { $0 + $1.utf8.count }
        #expect(kept <= 4096)
        #expect(outcome.stdoutLines.count > 10)
        #expect(outcome.stderrTail.utf8.count <= 4096)
        #expect(outcome.stderrTail.hasSuffix("stderr line 2999 padding padding padding\n"))
    }

    @Test func describeChecksTheProtocol() async throws {
        let runner = ExecutorRunner()
        let description = try await runner.describe(executable: Support.plugin("ok.sh"))
        #expect(description == ExecutorDescription(name: "test-ok", version: "1.0", protocol: 1))

        await #expect(
            throws: ExecutorDescribeError.unsupportedProtocol(
                executable: Support.plugin("wrong_protocol.sh"), name: "future", protocol: 2)
        ) {
            try await runner.describe(executable: Support.plugin("wrong_protocol.sh"))
        }
        do {
            _ = try await runner.describe(executable: Support.plugin("garbage.sh"))
            Issue.record("garbage.sh passed describe")
        } catch {
            guard case .badOutput = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(error.description.contains("hello, I am not JSON"))
        }
        do {
            _ = try await runner.describe(executable: "/nonexistent/executor")
            Issue.record("missing executor passed describe")
        } catch {
            #expect(
                error.description
                    == "executor /nonexistent/executor: cannot run `describe`: cannot start /nonexistent/executor: No such file or directory"
            )
        }
    }
}
