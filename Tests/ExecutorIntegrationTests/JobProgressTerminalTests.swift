import Foundation
import PromshardTestSupport
import Testing

/// The live progress of `promshard job submit --wait` on a real terminal (a
/// pty from python3's pty module, with a set width), of `promshard job
/// status --watch` on a pipe and its Ctrl-C on a terminal, against a real daemon whose gated runner
/// holds the job running until the test lets it finish.
@Suite(.serialized)
struct JobProgressTerminalTests {
    /// Runs argv[3...] on a new pty of `argv[2]` columns, copying everything
    /// it writes to the file `argv[1]` as it comes; exits with its status.
    static let ptyRunner = """
        import fcntl, os, pty, struct, sys, termios
        transcript, columns, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
            os.execv(argv[0], argv)
        with open(transcript, "wb") as out:
            while True:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out.write(data)
                out.flush()
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """

    static let redraw = "\r\u{1B}[2K"

    /// `promshard args…` on a pty of `columns`, its output going to `transcript`.
    static func onTerminal(_ daemon: JobsDaemon, columns: Int, transcript: String, _ args: [String]) throws
        -> TestProcess
    {
        try daemon.dir.write("run-on-pty.py", ptyRunner)
        return try TestProcess(
            Tools.python3,
            // Not "pty.py": the script would import itself instead of the pty module.
            [daemon.dir.file("run-on-pty.py"), transcript, String(columns), try Binaries.path("promshard")]
                + args,
            log: transcript + ".log")
    }

    @Test func barRedrawsInPlaceOnATerminalAndPlainLinesGoToAPipe() async throws {
        let daemon = try JobsDaemon(workers: 2, unitSize: 2)
        defer { daemon.stop() }
        #expect(await daemon.waitForHTTP(), "\(daemon.log)")
        let transcript = daemon.dir.file("tty.out")
        let hosts = "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6"
        let submit = try Self.onTerminal(
            daemon, columns: 80, transcript: transcript,
            [
                "job", "submit", "--config", daemon.config, "--hosts", hosts, "--module", "ping", "--id",
                "tty1", "--wait",
            ])
        defer { submit.kill9() }
        func terminal() -> String { (try? String(contentsOfFile: transcript, encoding: .utf8)) ?? "" }
        // Units 0 and 1 run, each with its first host done: the bar shows it.
        let drawn = await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            terminal().contains("% running units 0/3 hosts 2/6 ok=2 elapsed ")
        }
        #expect(drawn, "\(terminal().debugDescription)\n\(daemon.log)")

        // The same job watched through a pipe.
        let watchLog = daemon.dir.file("watch.out")
        let watch = try TestProcess(
            try Binaries.path("promshard"), ["job", "status", "tty1", "--watch", "--config", daemon.config],
            log: watchLog)
        defer { watch.kill9() }
        func piped() -> String { (try? String(contentsOfFile: watchLog, encoding: .utf8)) ?? "" }
        let watching = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            piped().contains("running units 0/3 hosts 2/6 ok=2 elapsed ")
        }
        #expect(watching, "\(piped())")

        // Ctrl-C while a bar is drawn: the line is ended, the job goes on.
        let interrupted = daemon.dir.file("interrupted.out")
        let watcher = try Self.onTerminal(
            daemon, columns: 80, transcript: interrupted,
            ["job", "status", "tty1", "--watch", "--config", daemon.config])
        defer { watcher.kill9() }
        func interruptedText() -> String { (try? String(contentsOfFile: interrupted, encoding: .utf8)) ?? "" }
        let barDrawn = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            interruptedText().contains("running units 0/3 hosts 2/6")
        }
        #expect(barDrawn, "\(interruptedText().debugDescription)")
        let cli = try #require(ProcessTable.all().first { $0.ppid == watcher.pid }, "the CLI under the pty")
        kill(cli.pid, SIGINT)
        #expect(await watcher.wait(timeout: .seconds(30)) == 130, "\(interruptedText().debugDescription)")
        #expect(
            interruptedText().hasSuffix(
                "\r\nstopped watching: the job goes on (promshard job status ID --watch)\r\n"),
            "\(interruptedText().debugDescription)")

        try daemon.openGate()
        #expect(await submit.wait(timeout: .seconds(60)) == 0, "\(terminal().debugDescription)")
        #expect(await watch.wait(timeout: .seconds(60)) == 0, "\(piped())")

        // The terminal: a header line, then frames each starting with CR + erase line.
        let text = terminal()
        let frames = text.components(separatedBy: Self.redraw)
        #expect(frames.first == "submitted tty1: 6 hosts in 3 units\r\n", "\(text.debugDescription)")
        let drawnFrames = frames.dropFirst()
        #expect(drawnFrames.count >= 2, "\(text.debugDescription)")
        // Every frame but the last stays on its line; each fits in 79 columns.
        for frame in drawnFrames.dropLast() {
            #expect(
                !frame.contains("\n") && frame.count <= 79 && frame.hasPrefix("["),
                "\(frame.debugDescription)")
        }
        let last = try #require(drawnFrames.last)
        #expect(last.hasSuffix("\r\n"), "\(last.debugDescription)")
        // The pty turns "\n" into "\r\n", one Character in Swift: compare unicode scalars.
        let final = String(String.UnicodeScalarView(last.unicodeScalars.dropLast(2)))
        #expect(final.count <= 79, "\(final)")
        let bar = try #require(final.split(separator: "]", maxSplits: 1).first)
        #expect(bar.count > 10 && bar.dropFirst().allSatisfy { $0 == "#" }, "\(final)")
        #expect(final.contains("] 100% done units 3/3 hosts 6/6 ok=6 elapsed "), "\(final)")
        #expect(!final.contains(" eta "), "no ETA once the job ended: \(final)")
        #expect(
            drawnFrames.contains { $0.contains("running units 0/3 hosts 2/6 ok=2") && $0.contains(" eta ") },
            "a running frame with an ETA")

        // The pipe: plain lines, no control characters, one per change.
        let lines = piped().split(separator: "\n").map(String.init)
        #expect(!piped().contains("\r") && !piped().contains("\u{1B}"), "\(piped().debugDescription)")
        #expect(lines.last?.hasPrefix("done units 3/3 hosts 6/6 ok=6 elapsed ") == true, "\(lines)")
        let keys = lines.map { $0.components(separatedBy: " elapsed ").first ?? $0 }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 != $1 }, "a line repeated: \(lines)")

        // A narrow terminal: the bar shrinks and the text is cut, never wrapped.
        let narrow = daemon.dir.file("narrow.out")
        let status = try Self.onTerminal(
            daemon, columns: 40, transcript: narrow,
            ["job", "status", "tty1", "--watch", "--config", daemon.config])
        defer { status.kill9() }
        #expect(await status.wait(timeout: .seconds(30)) == 0)
        let narrowText = (try? String(contentsOfFile: narrow, encoding: .utf8)) ?? ""
        let narrowFrame = narrowText.components(separatedBy: Self.redraw).last ?? ""
        #expect(
            narrowFrame.hasPrefix("[##########] 100% done") && narrowFrame.hasSuffix("...\r\n"),
            "\(narrowText.debugDescription)")
        #expect(narrowFrame.unicodeScalars.count - 2 == 39, "\(narrowFrame.debugDescription)")
    }
}
