import Foundation
import PromshardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the JSON lines of `EXEC run` (and the `EXEC describe` answer) to stdout.
///
/// Each line is written with one unbuffered `write(2)` loop, so lines are never
/// interleaved with other output of the process and survive a later crash.
/// Progress lines look like `{"event":"progress","message":"..."}`; the caller
/// only interprets the last line, which must be the ``ExecutorResult``.
public enum ExecutorOutput {
    /// Writes one progress line.
    public static func progress(_ message: String) {
        writeLine(ProgressLine(event: "progress", message: message))
    }

    /// Writes the final result line.
    public static func result(_ result: ExecutorResult) {
        writeLine(result)
    }

    /// Writes the `describe` answer.
    public static func description(_ description: ExecutorDescription) {
        writeLine(description)
    }

    /// Writes a message to stderr (kept by the caller as the stderr tail).
    public static func log(_ message: String) {
        writeAll(Array((message + "\n").utf8), to: STDERR_FILENO)
    }

    /// Encodes `value` as one compact JSON line (sorted keys) and writes it to stdout.
    public static func writeLine(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data =
            (try? encoder.encode(value))
            ?? Data(#"{"status":"failed","message":"cannot encode output"}"#.utf8)
        writeAll(Array(data) + [0x0A], to: STDOUT_FILENO)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // stdout gone: nothing useful left to do
                }
                offset += n
            }
        }
    }

    private struct ProgressLine: Encodable {
        var event: String
        var message: String
    }
}
