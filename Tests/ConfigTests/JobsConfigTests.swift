import PromshardConfig
import Testing

/// `jobs:`: defaults, values, errors with key path and line, redaction.
struct JobsConfigTests {
    @Test func jobsAloneIsAValidConfigWithDefaults() throws {
        let config = try ConfigLoader.parse(yaml: "services: []\njobs: {}\n", sourcePath: configPath)
        let jobs = try #require(config.jobs)
        #expect(jobs == JobsSettings())
        #expect(
            jobs.store == "sqlite" && jobs.workers == 4 && jobs.unitSize == 30
                && jobs.timeout == .seconds(600))
    }

    @Test func valuesAndRedaction() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                services: []
                jobs:
                  store: postgres://jobs:s3cret@127.0.0.1:5432/promshard
                  workers: 2
                  unit_size: 10
                  timeout: 90s
                  lease: 5s
                  executor: ./runner.sh
                  params: { user: root, port: 2222 }
                """, sourcePath: configPath)
        let jobs = try #require(config.jobs)
        #expect(
            jobs.workers == 2 && jobs.unitSize == 10 && jobs.timeout == .seconds(90)
                && jobs.lease == .seconds(5))
        #expect(jobs.executor == "/etc/promshard/runner.sh" && jobs.params["port"] == .number(2222))
        #expect(config.redacted.jobs?.store == "postgres://jobs:<redacted>@127.0.0.1:5432/promshard")
    }

    @Test func errorsNameTheKeyAndLine() {
        expectError("services: []\njobs:\n  workers: 0\n", path: "jobs.workers", line: 3, "at least 1")
        expectError(
            "services: []\njobs:\n  store: mysql://x\n", path: "jobs.store", line: 3,
            "sqlite or a postgres://")
        expectError("services: []\njobs:\n  wat: 1\n", path: "jobs.wat", line: 3, "unknown key")
        // Without jobs:, services must still be listed.
        expectError("services: []\n", path: "services", line: 1, "at least one service")
    }
}
