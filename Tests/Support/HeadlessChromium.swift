import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's chromium in headless mode, for tests of pages: the DOM after
/// rendering (`--dump-dom`) and screenshots. Each run has its own profile
/// directory, so nothing under the home directory is touched.
public enum HeadlessChromium {
    /// The binary; nil when chromium is not installed (scripts/setup-debian.sh test installs it).
    public static func binary() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The serialized DOM of `url` after rendering.
    public static func dumpDOM(_ url: String, timeout: Duration = .seconds(60)) async throws -> String {
        try await run(["--dump-dom", url], timeout: timeout)
    }

    /// Writes a PNG of `url` to `path`.
    public static func screenshot(
        _ url: String, to path: String, width: Int = 1280, height: Int = 900, timeout: Duration = .seconds(60)
    ) async throws {
        _ = try await run(
            ["--screenshot=\(path)", "--window-size=\(width),\(height)", url], timeout: timeout)
        guard let data = FileManager.default.contents(atPath: path),
            data.starts(with: [0x89, 0x50, 0x4E, 0x47])
        else { throw TestSupportError("chromium wrote no PNG to \(path)") }
    }

    static func run(_ arguments: [String], timeout: Duration) async throws -> String {
        guard let chromium = binary() else {
            throw TestSupportError("chromium is not installed (apt-get install -y chromium)")
        }
        let profile = try TempDir("promshard-chromium")
        defer { profile.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=2000",
            ] + arguments
        let out = profile.file("stdout")
        FileManager.default.createFile(atPath: out, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = FileHandle.nullDevice  // a harmless dbus complaint lives here
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSupportError("chromium did not finish within \(timeout)")
        }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }
}
