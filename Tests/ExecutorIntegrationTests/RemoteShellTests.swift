import Foundation
import PromshardProtocol
import Testing

/// The quoting of remote arguments (pure), and a check with a real POSIX
/// shell that each quoted argument comes back as exactly one literal word.
struct RemoteShellTests {
    @Test func quotesInSingleQuotesAndEscapesSingleQuotes() throws {
        #expect(try RemoteShell.quote("plain") == "'plain'")
        #expect(try RemoteShell.quote("") == "''")
        #expect(try RemoteShell.quote("it's") == #"'it'\''s'"#)
        #expect(try RemoteShell.quote("'") == #"''\'''"#)
        #expect(try RemoteShell.quote("a b") == "'a b'")
        #expect(try RemoteShell.quote("$(rm -rf /) `x` \\ * ; & | > ~") == "'$(rm -rf /) `x` \\ * ; & | > ~'")
        #expect(try RemoteShell.quote("-n") == "'-n'")
        #expect(try RemoteShell.quote("ünïcødé ✓") == "'ünïcødé ✓'")
    }

    @Test func rejectsNULAndLineBreaks() {
        #expect(throws: RemoteShellError(argument: "a\nb", reason: "contains a line break")) {
            try RemoteShell.quote("a\nb")
        }
        #expect(throws: RemoteShellError(argument: "a\rb", reason: "contains a line break")) {
            try RemoteShell.quote("a\rb")
        }
        #expect(throws: RemoteShellError(argument: "a\0b", reason: "contains a NUL byte")) {
            try RemoteShell.quote("a\0b")
        }
        #expect(throws: RemoteShellError.self) { try RemoteShell.commandLine(["mv", "x\ny"]) }
    }

    @Test func commandLineQuotesEveryArgument() throws {
        #expect(
            try RemoteShell.commandLine(["mv", "-f", "--", "/tmp/a b.tmp", "/tmp/it's.json"])
                == #"'mv' '-f' '--' '/tmp/a b.tmp' '/tmp/it'\''s.json'"#)
    }

    /// /bin/sh -c 'printf "%s\n" <quoted…>' prints each argument unchanged on its own line.
    @Test func aRealShellSeesEachArgumentLiterally() throws {
        let arguments = [
            "it's", "$(touch /tmp/promshard-injected)", "`id`", "a  b", "*", "", "\\n", "\"q\"", "'", "''x",
        ]
        let line = try RemoteShell.commandLine(["printf", "%s|"] + arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output == arguments.map { $0 + "|" }.joined())
        #expect(!FileManager.default.fileExists(atPath: "/tmp/promshard-injected"))
    }
}
