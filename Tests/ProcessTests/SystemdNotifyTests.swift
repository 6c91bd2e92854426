import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard run` under systemd's notify protocol, against a real AF_UNIX
/// datagram socket that the test binds and reads (a path, then an abstract name).
@Suite(.serialized)
struct SystemdNotifyTests {
    @Test(arguments: [false, true])
    func readyWatchdogStatusAndStopping(abstract: Bool) async throws {
        try await Fleet.with { fleet in
            let notify = try NotifySocket(abstract: abstract, dir: fleet.dir)
            defer { notify.stop() }
            try fleet.start(environment: ["NOTIFY_SOCKET": notify.address, "WATCHDOG_USEC": "400000"])
            let supervisor = try #require(fleet.daemon?.pid)
            #expect(
                await eventually(timeout: .seconds(20)) { notify.count("READY=1") == 1 },
                "no READY=1 on \(notify.address); got \(notify.messages); log:\n\(fleet.daemon?.log ?? "")")
            // READY=1 comes once the four children run.
            #expect(ProcessTable.children(of: supervisor).count == 4)
            // WATCHDOG=1 keeps coming at half of WATCHDOG_USEC (0.2 s).
            let before = notify.count("WATCHDOG=1")
            #expect(await eventually(timeout: .seconds(10)) { notify.count("WATCHDOG=1") >= before + 5 })
            // STATUS= carries the one-line status once health has published one.
            let ports = fleet.collectors.map(\.port)
            #expect(await eventually(timeout: .seconds(20)) { fleet.covered(by: ports) })
            #expect(
                await eventually(timeout: .seconds(20)) {
                    notify.messages.contains { $0.hasPrefix("STATUS=healthy; children 4/4; assignment v") }
                }, "no status line; got \(notify.messages.suffix(5))")
            #expect(
                notify.messages.allSatisfy { !$0.contains("STATUS=") || $0.split(separator: "\n").count <= 2 }
            )
            // Children do not inherit the notify socket (NotifyAccess=main).
            for child in ProcessTable.children(of: supervisor) {
                let environ =
                    (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(child.pid)/environ"))) ?? Data()
                let names = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                #expect(!names.contains { $0.hasPrefix("NOTIFY_SOCKET=") || $0.hasPrefix("WATCHDOG_USEC=") })
                #expect(
                    names.contains { $0.hasPrefix("PROMSHARD_BUS_FD=") },
                    "could not read the child's environment")
            }
            fleet.daemon?.signal(SIGTERM)
            #expect(await fleet.daemon?.wait(timeout: .seconds(4)) == 0)
            #expect(notify.count("STOPPING=1") == 1, "got \(notify.messages.suffix(5))")
            #expect(notify.count("READY=1") == 1)
        }
    }

    @Test func withoutWatchdogUsecNoWatchdogIsSent() async throws {
        try await Fleet.with { fleet in
            let notify = try NotifySocket(abstract: false, dir: fleet.dir)
            defer { notify.stop() }
            try fleet.start(environment: ["NOTIFY_SOCKET": notify.address])
            #expect(await eventually(timeout: .seconds(20)) { notify.count("READY=1") == 1 })
            try await Task.sleep(for: .seconds(1))
            #expect(notify.count("WATCHDOG=1") == 0)
        }
    }
}
