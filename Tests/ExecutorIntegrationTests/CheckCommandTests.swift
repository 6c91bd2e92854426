import Foundation
import PromshardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `promshard check` asks every service's executor `describe` and rejects
/// one that does not speak protocol 1, naming the key path.
@Suite(.serialized)
struct CheckCommandTests {
    @Test func builtInExecutorsAnswerDescribe() throws {
        let dir = try TempDir("promshard-check")
        defer { dir.remove() }
        for executor in ["file", "scp", "ansible"] {
            try dir.write("\(executor).yaml", CLI.config(executor: executor, stateDir: dir.file("var")))
            let result = try CLI.promshard(["check", "--config", dir.file("\(executor).yaml")])
            #expect(result.status == 0, "\(executor): \(result.stderr)")
            #expect(result.stdout.contains("OK (1 services: node)"))
        }
    }

    @Test func anExecutorSpeakingAnotherProtocolIsRejectedWithTheKeyPath() throws {
        let dir = try TempDir("promshard-check")
        defer { dir.remove() }
        try dir.write("old.sh", "#!/bin/sh\necho '{\"name\":\"old\",\"version\":\"0.9\",\"protocol\":2}'\n")
        try dir.write("mute.sh", "#!/bin/sh\necho 'hello'\n")
        try dir.write("broken.sh", "#!/bin/sh\necho 'no such verb' >&2\nexit 2\n")
        for script in ["old.sh", "mute.sh", "broken.sh"] { chmod(dir.file(script), 0o755) }
        // (script, what the message says after "<config>: services[0].dispatch.executor: executor <path>")
        let cases = [
            ("old.sh", " (old) speaks protocol 2; promshard needs protocol 1"),
            (
                "mute.sh",
                ": `describe` did not print a JSON description {name, version, protocol}: got \"hello\""
            ),
            ("broken.sh", ": `describe` failed (exit code 2): no such verb"),
            ("missing.sh", " does not exist"),
        ]
        for (script, expected) in cases {
            try dir.write("promshard.yaml", CLI.config(executor: dir.file(script), stateDir: dir.file("var")))
            let result = try CLI.promshard(["check", "--config", dir.file("promshard.yaml")])
            #expect(result.status == 1, "\(script)")
            let line = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(line.hasPrefix("/"), "\(line)")
            #expect(line.contains("promshard.yaml: services[0].dispatch.executor: executor /"), "\(line)")
            #expect(line.contains("/\(script)\(expected)"), "\(line)")
        }
    }
}
