import PromshardBus

#if canImport(Glibc)
    import Glibc
#endif

/// Wording shared by the executor runner's messages.
enum ExecutorFormat {
    /// "SIGTERM", "SIGKILL"… for messages.
    static func signalName(_ signal: Int32) -> String { PromshardBus.signalName(signal) }

    /// A duration as "2s", "1.5s" or "250ms", for messages.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms >= 1000 {
            let tenths = (ms + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        return "\(ms)ms"
    }
}
