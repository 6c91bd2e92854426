import PromshardConfig
import Testing

/// `dispatch.executor: none`: pull mode needs no `dest`.
struct PullModeConfigTests {
    @Test func noneNeedsNoDest() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                services:
                  - name: node
                    collectors:
                      static: [127.0.0.1:9090]
                    dispatch:
                      executor: none

                """, sourcePath: configPath)
        let dispatch = try #require(config.services.first?.dispatch)
        #expect(dispatch.executor == "none")
        #expect(!dispatch.delivers)
        #expect(dispatch.dest == "")
    }

    @Test func anotherExecutorStillNeedsADest() {
        expectError(
            """
            services:
              - name: node
                collectors:
                  static: [127.0.0.1:9090]
                dispatch:
                  executor: file

            """, path: "services[0].dispatch.dest", line: 6, "missing required key \"dest\"")
    }
}
