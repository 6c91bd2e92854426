import Foundation
import PromshardExecutorHost
import PromshardProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `promshard-exec-file` run through ExecutorRunner, reloading a
/// small loopback HTTP server that records every POST.
@Suite(.serialized)
struct ExecutorFileEndToEndTests {
    typealias Support = ExecutorTestSupport

    var executable: String { Support.productsDirectory + "/promshard-exec-file" }

    @Test func describeAnswersProtocolOne() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let description = try await ExecutorRunner().describe(executable: executable)
        #expect(description == ExecutorDescription(name: "file", version: "0.1.0", protocol: 1))
    }

    @Test func writesAtomicallyThenReloads() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let dir = Support.temporaryDirectory("file-exec")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ReloadServer(log: "\(dir)/posts.log")
        defer { server.stop() }

        let content = #"[{"targets":["10.0.0.1:9100"],"labels":{"job":"node"}}]"# + "\n"
        let rendered = "\(dir)/rendered.json"
        try content.write(toFile: rendered, atomically: false, encoding: .utf8)
        let sdDir = "\(dir)/prometheus/sd"  // does not exist yet
        let dest = "\(sdDir)/promshard_node.json"
        let url = "http://127.0.0.1:\(server.port)/-/reload"
        let runner = ExecutorRunner()

        // First delivery: file written, reload POSTed.
        let first = await runner.run(
            executable: executable, request: Support.request(dest: dest, path: rendered, reloadURL: url),
            deadline: .seconds(10))
        #expect(first.status == .ok, "\(first.message) / \(first.stderrTail)")
        #expect(first.changed == true)
        #expect(first.message == "wrote \(dest) (\(content.utf8.count) bytes); reload \(url): HTTP 200")
        #expect(try String(contentsOfFile: dest, encoding: .utf8) == content)
        var st = stat()
        #expect(stat(dest, &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o644)
        // Atomic rename: nothing but the destination is left in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: sdDir) == ["promshard_node.json"])
        #expect(server.posts() == ["POST /-/reload 0 promshard/0.1.0"])

        // Same content again: nothing written, no reload.
        let second = await runner.run(
            executable: executable, request: Support.request(dest: dest, path: rendered, reloadURL: url),
            deadline: .seconds(10))
        #expect(second.status == .ok)
        #expect(second.changed == false)
        #expect(second.message == "\(dest) unchanged (\(content.utf8.count) bytes); reload skipped")
        #expect(server.posts().count == 1)

        // always_reload: reload even though unchanged.
        let third = await runner.run(
            executable: executable,
            request: Support.request(
                dest: dest, path: rendered, reloadURL: url, params: ["always_reload": .bool(true)]),
            deadline: .seconds(10))
        #expect(third.status == .ok)
        #expect(third.changed == false)
        #expect(server.posts().count == 2)
    }

    /// A reload to a closed port fails with curl's reason; the file is still in
    /// place, and a retry with unchanged content reloads (the pending marker).
    @Test func reloadToAClosedPortFailsClearlyAndIsRetried() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let dir = Support.temporaryDirectory("file-exec-closed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rendered = "\(dir)/rendered.json"
        try "[]\n".write(toFile: rendered, atomically: false, encoding: .utf8)
        let dest = "\(dir)/sd/out.json"
        let closed = "http://127.0.0.1:\(Support.closedPort())/-/reload"

        let failed = await ExecutorRunner().run(
            executable: executable, request: Support.request(dest: dest, path: rendered, reloadURL: closed),
            deadline: .seconds(10))
        #expect(failed.status == .failed)
        #expect(failed.exitCode == 1)
        #expect(failed.changed == true)
        #expect(failed.message.hasPrefix("wrote \(dest) (3 bytes); reload \(closed) failed: "))
        // curl's wording varies by version: "Couldn't connect to server" / "Connection refused".
        #expect(failed.message.contains("onnect"), "\(failed.message)")
        #expect(try String(contentsOfFile: dest, encoding: .utf8) == "[]\n")

        let server = try ReloadServer(log: "\(dir)/posts.log")
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/-/reload"
        let retried = await ExecutorRunner().run(
            executable: executable, request: Support.request(dest: dest, path: rendered, reloadURL: url),
            deadline: .seconds(10))
        #expect(retried.status == .ok, "\(retried.message)")
        #expect(retried.changed == false)
        #expect(server.posts() == ["POST /-/reload 0 promshard/0.1.0"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/sd") == ["out.json"])
    }

    @Test func reloadAnsweringAnErrorStatusFails() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let dir = Support.temporaryDirectory("file-exec-500")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ReloadServer(log: "\(dir)/posts.log")
        defer { server.stop() }
        let rendered = "\(dir)/rendered.json"
        try "[]\n".write(toFile: rendered, atomically: false, encoding: .utf8)
        let url = "http://127.0.0.1:\(server.port)/fail"
        let outcome = await ExecutorRunner().run(
            executable: executable,
            request: Support.request(dest: "\(dir)/out.json", path: rendered, reloadURL: url),
            deadline: .seconds(10))
        #expect(outcome.status == .failed)
        #expect(
            outcome.message
                == "wrote \(dir)/out.json (3 bytes); reload \(url): HTTP 500: Lifecycle API is not enabled.")
    }

    @Test func missingRenderedFileFails() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let outcome = await ExecutorRunner().run(
            executable: executable,
            request: Support.request(dest: "/tmp/promshard-never/x.json", path: "/nonexistent/rendered.json"),
            deadline: .seconds(10))
        #expect(outcome.status == .failed)
        #expect(outcome.message == "cannot read /nonexistent/rendered.json: No such file or directory")
    }

    @Test func wrongParamTypeIsBadRequest() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable), "build promshard-exec-file first")
        let outcome = await ExecutorRunner().run(
            executable: executable, request: Support.request(params: ["always_reload": .string("yes")]),
            deadline: .seconds(10))
        #expect(outcome.status == .badRequest)
        #expect(outcome.message.contains("params.always_reload must be a boolean, got a string"))
    }
}

/// `python3` serving HTTP on a free loopback port: every POST is appended to
/// `log` as "POST <path> <content-length> <user-agent>" and answered 200
/// (500 "Lifecycle API is not enabled." on /fail).
final class ReloadServer {
    let port: Int
    private let process: Process
    private let log: String

    private static let script = #"""
        import http.server, os, signal, sys, threading
        # Foundation.Process started from a libdispatch worker thread passes on
        # that thread's blocked signal mask: unblock, and never outlive the test.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        parent = os.getppid()
        def watchdog():
            while os.getppid() == parent:
                threading.Event().wait(0.5)
            os._exit(0)
        threading.Thread(target=watchdog, daemon=True).start()
        threading.Timer(300, lambda: os._exit(0)).start()
        log = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                with open(log, 'a') as f:
                    f.write('POST %s %s %s\n' % (self.path, self.headers.get('Content-Length'), self.headers.get('User-Agent')))
                fail = self.path == '/fail'
                body = b'Lifecycle API is not enabled.\n' if fail else b'ok\n'
                self.send_response(500 if fail else 200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    init(log: String) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, log]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while !line.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(contentsOf: chunk)
        }
        guard
            let port = Int(
                String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ServerError(message: "reload server did not report its port")
        }
        self.port = port
    }

    /// Lines recorded so far.
    func posts() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// SIGKILL (a signal mask inherited through Foundation.Process cannot block it).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct ServerError: Error { var message: String }
}
