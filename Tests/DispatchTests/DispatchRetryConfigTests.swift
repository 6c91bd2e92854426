import PromshardConfig
import Testing

/// The dispatch keys of the executors issue: `retries`, `retry_backoff`,
/// `resync` (defaults, values, and errors naming the key path and line).
struct DispatchRetryConfigTests {
    func yaml(_ dispatch: String) -> String {
        """
        services:
          - name: node
            collectors: { static: [127.0.0.1:9090] }
            targets: { static: [10.0.0.1:9100] }
            dispatch:
              dest: /sd/{port}.json
        \(dispatch)
        """
    }

    @Test func defaultsAreThreeRetriesOneSecondAndFiveMinutes() throws {
        let config = try ConfigLoader.parse(yaml: yaml(""), sourcePath: "/etc/promshard.yaml")
        let dispatch = config.services[0].dispatch
        #expect(dispatch.retries == 3)
        #expect(dispatch.retryBackoff == .seconds(1))
        #expect(dispatch.resync == .seconds(300))
        #expect(DispatchSettings.retryBackoffMax == .seconds(30))
    }

    @Test func valuesAreRead() throws {
        let config = try ConfigLoader.parse(
            yaml: yaml("      retries: 0\n      retry_backoff: 250ms\n      resync: 0"),
            sourcePath: "/etc/promshard.yaml")
        let dispatch = config.services[0].dispatch
        #expect(dispatch.retries == 0)
        #expect(dispatch.retryBackoff == .milliseconds(250))
        #expect(dispatch.resync == .zero)
    }

    @Test func badValuesNameTheKeyPathAndLine() {
        do {
            _ = try ConfigLoader.parse(
                yaml: yaml("      retries: -1\n      retry_backoff: 0s\n      resync: often"),
                sourcePath: "/etc/promshard.yaml")
            Issue.record("accepted")
        } catch {
            let messages = error.errors.map(\.description)
            #expect(
                messages.contains {
                    $0.contains(":7: services[0].dispatch.retries: must be at least 0, got -1")
                }, "\(messages)")
            #expect(
                messages.contains { $0.contains(":8: services[0].dispatch.retry_backoff:") }, "\(messages)")
            #expect(
                messages.contains {
                    $0.contains(":9: services[0].dispatch.resync: invalid duration \"often\"")
                }, "\(messages)")
        }
    }
}
