import PromshardJobs
import Testing

/// `jobs.store` URLs: fields, defaults, TLS modes and errors (no password in any).
struct PostgresURLTests {
    @Test func fieldsAndDefaults() throws {
        let url = try PostgresURL.parse("postgres://jobs:p%40ss%3Aword@127.0.0.1:6543/promshard")
        #expect(url.user == "jobs" && url.password == "p@ss:word" && url.host == "127.0.0.1")
        #expect(url.port == 6543 && url.database == "promshard" && url.tls == .disable)
        #expect(url.description == "postgres://jobs:<redacted>@127.0.0.1:6543/promshard")
        let remote = try PostgresURL.parse("postgresql://jobs@db.example.org/")
        #expect(
            remote.port == 5432 && remote.database == "jobs" && remote.password == nil
                && remote.tls == .require)
        #expect(try PostgresURL.parse("postgres://u:p@db.example.org/d?sslmode=disable").tls == .disable)
        #expect(try PostgresURL.parse("postgres://u:p@localhost/d?sslmode=prefer").tls == .prefer)
        #expect(try PostgresURL.parse("postgres://u:p@[::1]:5433/d").host == "::1")
    }

    @Test func errorsNameTheProblemNotThePassword() {
        for (url, why) in [
            ("postgres://u:hunter2@h/d?sslmode=sometimes", "sslmode=sometimes"),
            ("postgres://u:hunter2@h/d?timeout=3", "unknown parameter \"timeout\""),
            ("postgres://:hunter2@h/d", "no user"),
            ("postgres://u:hunter2@h:70000/d", "port 70000"),
            ("mysql://u:hunter2@h/d", "not a postgres:// URL"),
        ] {
            #expect {
                _ = try PostgresURL.parse(url)
            } throws: { error in
                "\(error)".contains(why) && !"\(error)".contains("hunter2")
            }
        }
    }
}
