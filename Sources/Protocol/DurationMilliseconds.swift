extension Duration {
    /// Whole milliseconds, truncated (for `deadline_ms`, `duration_ms`, timeouts).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration for messages: "5s", "1.5s", "250ms".
    public var shortDescription: String {
        let ms = wholeMilliseconds
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms >= 1000 {
            let tenths = (ms + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        return "\(ms)ms"
    }
}
