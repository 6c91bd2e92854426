/// The framing of the Zabbix sender protocol: `ZBXD`, flags `0x01`, the
/// data length as 4 bytes little-endian, 4 reserved bytes (zero), then the
/// JSON data. Pure.
public enum ZabbixPacket {
    /// `ZBXD`.
    public static let magic: [UInt8] = [0x5A, 0x42, 0x58, 0x44]
    /// Flags: 0x01 = Zabbix communications protocol (no compression, no large packet).
    public static let flags: UInt8 = 0x01
    /// Size of the header before the data.
    public static let headerSize = 13
    /// The largest answer accepted (a sender answer is about 100 bytes).
    public static let maxAnswerBytes = 1 << 20

    /// Frames `data`.
    public static func encode(_ data: [UInt8]) -> [UInt8] {
        var out = magic
        out.append(flags)
        let n = UInt32(data.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((n >> UInt32(shift)) & 0xFF)) }
        out += [0, 0, 0, 0]
        out += data
        return out
    }

    /// The data length announced by a header (the first 13 bytes of a packet).
    public static func dataLength(header: [UInt8]) throws(ZabbixError) -> Int {
        guard header.count >= headerSize else { throw .badAnswer("answer shorter than the 13-byte header") }
        guard Array(header[0..<4]) == magic else {
            throw .badAnswer("answer does not start with ZBXD (is this a Zabbix server or proxy port?)")
        }
        guard header[4] & 0x01 == 0x01 else {
            throw .badAnswer("unexpected flags 0x\(String(header[4], radix: 16))")
        }
        guard header[4] & 0x02 == 0 else { throw .badAnswer("compressed answers are not supported") }
        var n = 0
        for i in 0..<4 { n |= Int(header[5 + i]) << (8 * i) }
        guard n <= maxAnswerBytes else { throw .badAnswer("answer of \(n) bytes is too large") }
        return n
    }

    /// Splits a whole packet into its data, checking the header.
    public static func decode(_ packet: [UInt8]) throws(ZabbixError) -> [UInt8] {
        let n = try dataLength(header: Array(packet.prefix(headerSize)))
        guard packet.count >= headerSize + n else {
            throw .badAnswer("answer truncated: \(packet.count - headerSize) of \(n) bytes")
        }
        return Array(packet[headerSize..<headerSize + n])
    }
}
