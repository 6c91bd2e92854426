import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Reads and validates the ``ExecutorRequest`` of `EXEC run`.
public enum ExecutorRequestReader {
    /// Largest request accepted on stdin.
    public static let maxRequestBytes = 4 << 20

    /// Reads stdin to end of file and decodes the request.
    public static func readStandardInput() throws(ExecutorBadRequest) -> ExecutorRequest {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExecutorBadRequest("cannot read stdin: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxRequestBytes {
                throw ExecutorBadRequest("request larger than \(maxRequestBytes) bytes")
            }
        }
        return try decode(bytes)
    }

    /// Decodes a request and checks its protocol version.
    public static func decode(_ bytes: [UInt8]) throws(ExecutorBadRequest) -> ExecutorRequest {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw ExecutorBadRequest("empty request on stdin")
        }
        // Check the version first so a future protocol gets a clear answer
        // rather than a complaint about a missing field.
        struct VersionProbe: Decodable { var `protocol`: Int? }
        let data = Data(bytes)
        guard let probe = try? JSONDecoder().decode(VersionProbe.self, from: data) else {
            throw ExecutorBadRequest("request is not a JSON object")
        }
        guard let version = probe.protocol else {
            throw ExecutorBadRequest("request has no \"protocol\" field")
        }
        guard version == executorProtocolVersion else {
            throw ExecutorBadRequest(
                "unsupported protocol \(version) (this executor speaks \(executorProtocolVersion))")
        }
        do {
            return try JSONDecoder().decode(ExecutorRequest.self, from: data)
        } catch {
            throw ExecutorBadRequest("invalid request: \(describe(error))")
        }
    }

    /// A one-line description of a decoding error that names the key path.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing key \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(let type, let context):
            return "wrong type at \(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "null at \(path(context)): expected \(type)"
        case .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        @unknown default:
            return "\(error)"
        }
    }
}
