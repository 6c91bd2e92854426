import Foundation
import PromshardConfig
import PromshardHealth
import PromshardProtocol
import PromshardTestSupport
import PromshardZabbix
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The pure parts of the sender protocol, and the client against fake servers.
struct ZabbixProtocolTests {
    @Test func framingRoundTrip() throws {
        let request = SenderRequest(
            data: [SenderItem(host: "h", key: "promshard.ping", value: "1", clock: 1_700_000_000, ns: 5)],
            clock: 1_700_000_000, ns: 5)
        let packet = request.packet()
        #expect(Array(packet[0..<4]) == Array("ZBXD".utf8))
        #expect(packet[4] == 0x01)
        let length = Int(packet[5]) | Int(packet[6]) << 8 | Int(packet[7]) << 16 | Int(packet[8]) << 24
        #expect(length == packet.count - 13)
        #expect(Array(packet[9..<13]) == [0, 0, 0, 0])
        let data = try ZabbixPacket.decode(packet)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any])
        #expect(object["request"] as? String == "sender data")
        #expect(object["clock"] as? Int == 1_700_000_000)
        #expect(object["ns"] as? Int == 5)
        let items = try #require(object["data"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items[0]["host"] as? String == "h")
        #expect(items[0]["key"] as? String == "promshard.ping")
        #expect(items[0]["value"] as? String == "1")
        #expect(items[0]["clock"] as? Int == 1_700_000_000)
        #expect(items[0]["ns"] as? Int == 5)
        #expect(try JSONDecoder().decode(SenderRequest.self, from: Data(data)) == request)
    }

    @Test func lengthIsLittleEndian() throws {
        let payload = [UInt8](repeating: 0x20, count: 0x0102)
        let packet = ZabbixPacket.encode(payload)
        #expect(Array(packet[5..<9]) == [0x02, 0x01, 0, 0])
        #expect(try ZabbixPacket.dataLength(header: Array(packet.prefix(13))) == 0x0102)
    }

    @Test func badHeadersAreRejected() {
        #expect(throws: ZabbixError.self) { try ZabbixPacket.decode(Array("HTTP/1.1 400 Bad".utf8)) }
        #expect(throws: ZabbixError.self) { try ZabbixPacket.decode([0x5A, 0x42]) }
        var truncated = ZabbixPacket.encode(Array("{\"response\":\"success\"}".utf8))
        truncated.removeLast(3)
        #expect(throws: ZabbixError.self) { try ZabbixPacket.decode(truncated) }
    }

    @Test(
        arguments: [
            ("processed: 1; failed: 0; total: 1; seconds spent: 0.000055", 1, 0, 1, 0.000055),
            ("Processed: 2; Failed: 1; Total: 3; Seconds spent: 0.1", 2, 1, 3, 0.1),
            ("Processed 1 Failed 0 Total 1 Seconds spent 0.000034", 1, 0, 1, 0.000034),
            ("PROCESSED: 0; FAILED: 2; TOTAL: 2; SECONDS SPENT: 0.000058", 0, 2, 2, 0.000058),
            ("processed: 5; failed: 0; total: 5", 5, 0, 5, nil),
        ] as [(String, Int, Int, Int, Double?)])
    func answerFormats(_ info: String, _ processed: Int, _ failed: Int, _ total: Int, _ seconds: Double?)
        throws
    {
        let json = "{\"response\":\"success\",\"info\":\"\(info)\"}"
        let response = try SenderResponse.parse(Array(json.utf8))
        #expect(response.processed == processed)
        #expect(response.failed == failed)
        #expect(response.total == total)
        #expect(response.secondsSpent == seconds)
        #expect(response.allProcessed == (failed == 0 && processed == total))
    }

    @Test func failedResponseWithoutCountsIsNotASuccess() throws {
        let response = try SenderResponse.parse(
            Array("{\"response\":\"failed\",\"info\":\"bad request\"}".utf8))
        #expect(!response.allProcessed)
        #expect(throws: ZabbixError.self) { try SenderResponse.parse(Array("{\"info\":\"x\"}".utf8)) }
        #expect(throws: ZabbixError.self) { try SenderResponse.parse(Array("not json".utf8)) }
    }

    @Test func heartbeatValueFollowsTheHealthyDecision() {
        let settings = ZabbixSettings(
            servers: ["z:10051"], host: "web-1", key: "promshard.ping", statusKey: "promshard.status")
        var status = StatusBody(
            healthy: true, reasons: [], childrenUp: 4, childrenTotal: 4, assignmentVersion: 3,
            deliveredVersion: 3,
            services: [
                ServiceStatus(
                    service: "node", collectorsHealthy: 2, collectorsTotal: 3, targets: 30, deliveriesOK: 2,
                    deliveriesFailed: 0, sourceErrors: [])
            ])
        var request = Heartbeat.request(status: status, settings: settings, seconds: 10, nanoseconds: 20)
        #expect(request.data.map(\.key) == ["promshard.ping", "promshard.status"])
        #expect(request.data[0].value == "1")
        #expect(request.data.allSatisfy { $0.host == "web-1" && $0.clock == 10 && $0.ns == 20 })
        #expect(request.data[1].value.hasPrefix("OK: children 4/4; node: 2/3 collectors, 30 targets"))
        status.healthy = false
        status.reasons = ["service node: no healthy collector"]
        request = Heartbeat.request(status: status, settings: settings, seconds: 10, nanoseconds: 20)
        #expect(request.data[0].value == "0")
        #expect(request.data[1].value.hasPrefix("PROBLEM: "))
        #expect(request.data[1].value.contains("no healthy collector"))
        let noStatusKey = ZabbixSettings(servers: ["z:10051"], host: "web-1")
        #expect(
            Heartbeat.request(status: status, settings: noStatusKey, seconds: 1, nanoseconds: 0).data.count
                == 1)
    }

    @Test func aRejectedValueIsAConfigurationProblemWithAHint() {
        let settings = ZabbixSettings(servers: ["z:10051"], host: "web-1", key: "promshard.ping")
        let response = SenderResponse(
            response: "success", info: "processed: 0; failed: 1; total: 1", processed: 0, failed: 1, total: 1)
        let outcome = Heartbeat.outcome(
            .success(ZabbixSender.Delivery(server: "z:10051", response: response, failedOver: [])),
            settings: settings)
        guard case .rejected(_, _, let hint) = outcome else {
            Issue.record("expected rejected, got \(outcome)")
            return
        }
        #expect(outcome.label == "rejected")
        #expect(hint.contains("web-1") && hint.contains("promshard.ping") && hint.contains("Zabbix trapper"))
        #expect(hint.contains("Allowed hosts"))
        #expect(
            Heartbeat.outcome(.failure(.unreachable(server: "z", reason: "refused")), settings: settings)
                .label == "unreachable")
    }

    @Test func aClosedPortIsUnreachableAndTheNextServerIsTried() async throws {
        let closed = freePort()
        let fake = try FakeZabbix(
            answer:
                "{\"response\":\"success\",\"info\":\"processed: 1; failed: 0; total: 1; seconds spent: 0.0001\"}"
        )
        defer { fake.stop() }
        let sender = ZabbixSender(
            servers: ["127.0.0.1:\(closed)", "127.0.0.1:\(fake.port)"], timeout: .seconds(2))
        let request = SenderRequest(
            data: [SenderItem(host: "h", key: "k", value: "1", clock: 1, ns: 0)], clock: 1, ns: 0)
        let result = sender.send(request)
        let delivery = try result.get()
        #expect(delivery.server == "127.0.0.1:\(fake.port)")
        #expect(delivery.failedOver.count == 1)
        #expect(delivery.response.allProcessed)
        // The fake got exactly the framed request.
        let received = try #require(fake.received.first)
        #expect(received == request.packet())
        let alone = ZabbixSender(servers: ["127.0.0.1:\(closed)"], timeout: .seconds(2)).send(request)
        guard case .failure(.unreachable) = alone else {
            Issue.record("expected unreachable, got \(alone)")
            return
        }
    }

    @Test func aSilentServerTimesOutWithinTheTimeout() async throws {
        let silent = try FakeZabbix(answer: nil)
        defer { silent.stop() }
        let sender = ZabbixSender(servers: ["127.0.0.1:\(silent.port)"], timeout: .milliseconds(500))
        let request = SenderRequest(
            data: [SenderItem(host: "h", key: "k", value: "1", clock: 1, ns: 0)], clock: 1, ns: 0)
        let started = ContinuousClock.now
        let result = sender.send(request)
        let took = ContinuousClock.now - started
        guard case .failure(.io) = result else {
            Issue.record("expected an I/O timeout, got \(result)")
            return
        }
        #expect(took < .seconds(3), "send took \(took) with a 500 ms timeout")
    }
}

/// A fake trapper on loopback: reads one request and answers `answer`
/// framed as a sender answer (or never answers when nil).
final class FakeZabbix: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var packets: [[UInt8]] = []

    var received: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return packets
    }

    init(answer: String?) throws {
        port = freePort()
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard withLoopbackAddress(port: port, { bind(fd, $0, $1) }) == 0, listen(fd, 16) == 0 else {
            throw TestSupportError("cannot listen")
        }
        let listener = fd
        Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                var data = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { break }
                    data += buffer[0..<n]
                    if data.count >= 13,
                        let length = try? ZabbixPacket.dataLength(header: Array(data.prefix(13))),
                        data.count >= 13 + length
                    {
                        break
                    }
                }
                lock.lock()
                packets.append(data)
                lock.unlock()
                if let answer {
                    let reply = ZabbixPacket.encode(Array(answer.utf8))
                    _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                    close(client)
                } else {
                    // Keep the connection open and silent until the client gives up.
                    while read(client, &buffer, buffer.count) > 0 {}
                    close(client)
                }
            }
        }.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
