import Foundation
import PromshardTestSupport

/// The system programs the executor tests run, with a clear failure when one
/// is missing (scripts/setup-debian.sh test installs them all).
enum Tools {
    static let sshd = "/usr/sbin/sshd"
    static let sshKeygen = "/usr/bin/ssh-keygen"
    static let ansiblePlaybook = "/usr/bin/ansible-playbook"
    static let sqlite3 = "/usr/bin/sqlite3"
    static let python3 = "/usr/bin/python3"
    static let curl = "/usr/bin/curl"

    /// Throws unless `path` is an executable file.
    static func require(_ path: String, package: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError(
                "\(path) is missing: install the Debian package \(package) (scripts/setup-debian.sh test does)"
            )
        }
    }

    /// Runs a program to completion; throws with its output unless it exits 0.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError(
                "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(output)"
            )
        }
        return output
    }

    /// The repository root (for plugins/).
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}
